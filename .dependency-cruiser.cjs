// The shape of harness/, checked by `npm test` (test/unit/architecture/dependencies.test.ts)
// and by `npm run deps`. Type-only imports count: a cycle through types still ties the
// folders' meanings together. harness/README.md explains the layers.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'no import cycle in harness/, type-only imports included',
      from: { path: '^harness/' },
      to: { circular: true },
    },
    {
      name: 'common-imports-nothing',
      severity: 'error',
      comment: 'common/ is the generic toolkit: it imports nothing else of the project',
      from: { path: '^harness/common/' },
      to: { path: '^(harness/(?!common/)|test/|bench/|scripts/)' },
    },
    {
      name: 'model-imports-nothing',
      severity: 'error',
      comment: 'model/ holds the shared words: it imports nothing else of the project',
      from: { path: '^harness/model/' },
      to: { path: '^(harness/(?!model/)|test/|bench/|scripts/)' },
    },
    {
      name: 'product-without-test-scaffolding',
      severity: 'error',
      comment: 'harness/testing/ (fake clock, memory journal, test contexts) is for tests only',
      from: { path: '^harness/(?!testing/)' },
      to: { path: '^(harness/testing/|test/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
