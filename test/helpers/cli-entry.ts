// Entry point for tests that run the CLI as a real process from source (through tsx).
import { main } from '../../harness/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
