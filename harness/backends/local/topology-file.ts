import { ScenarioError } from '../../common/errors.js';
import { readInputFile } from '../../common/input-file.js';
import { parseYamlAs } from '../../scenario/parse-yaml.js';
import { topologyFileSchema, type TopologyFile } from '../../scenario/topology.js';
import { YamlSource } from '../../scenario/yaml-source.js';

export { nodesOf, topologyFileSchema, type NodeSpec, type TopologyFile } from '../../scenario/topology.js';

// @throws ScenarioError with file:line:column for a malformed topology file; InputFileError
// (exit 2) for one that is missing, not a regular file or too large.
export async function loadTopologyFile(file: string): Promise<TopologyFile> {
  const text = readInputFile(file, 'topology');
  const parsed = parseYamlAs(new YamlSource(text), file, topologyFileSchema, 'a kdrill topology (apiVersion, kind: Topology, zones)');
  if (!parsed.ok) throw new ScenarioError(parsed.issues);
  return parsed.value;
}
