// The shape of harness/, checked by `npm test` (test/unit/architecture/dependencies.test.ts)
// and by `npm run deps`. Type-only imports count: a cycle through types still ties the
// folders' meanings together. harness/README.md explains the layers.

// harness/'s folders, bottom to top. A folder imports only folders in the layers below its
// own (never a sibling in its layer): the words at the bottom, the product at the top.
const LAYERS = [
  ['common', 'model'], // the generic toolkit; the shared words
  ['db', 'faults', 'actions'], // a PostgreSQL endpoint; the fault and action catalogues
  ['scenario'], // the scenario language and its plan
  ['journal', 'load'], // every fact of a run; load drivers and the ledger
  ['measure', 'backup'], // RTO, RPO and the times around them; pgBackRest
  ['backends'], // where drills run
  ['engine', 'probes', 'verify'], // running a plan; what is observed and verified around it
  ['assess', 'report'], // the drill observer; renderers of a finished run
  ['cli'], // argv → command → exit code
];
// The one import against the order, still to go: the scenario's cross-field check asks the
// backend registry what each backend supports.
const KNOWN_EXCEPTION = { from: '^harness/scenario/validate\\.ts$', to: '^harness/backends/api\\.ts$' };

const layerRules = LAYERS.flatMap((layer, i) =>
  layer.map((folder) => {
    const notBelow = LAYERS.slice(i).flat().filter((f) => f !== folder);
    const exception = folder === 'scenario' ? { pathNot: KNOWN_EXCEPTION.to } : {};
    return {
      name: `layer-${folder}`,
      severity: 'error',
      comment: `${folder}/ imports only ${LAYERS.slice(0, i).flat().join(', ') || 'nothing of the project'}`,
      from: { path: `^harness/${folder}/` },
      to: { path: `^harness/(${notBelow.join('|')}|testing)/`, ...exception },
    };
  }),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'layer-scenario-exception',
      severity: 'error',
      comment: 'scenario/ reaches above itself only from validate.ts to the backend registry',
      from: { path: '^harness/scenario/', pathNot: KNOWN_EXCEPTION.from },
      to: { path: KNOWN_EXCEPTION.to },
    },
    {
      name: 'harness-folders-are-layered',
      severity: 'error',
      comment: 'every folder of harness/ has its place in LAYERS (testing/ is for tests only)',
      from: { path: '^harness/', pathNot: `^harness/(${[...LAYERS.flat(), 'testing'].join('|')})/` },
      to: {},
    },
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
