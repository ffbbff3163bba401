/**
 * hitline's layers: imports flow one way, downward (README, "Architecture"). `npm run lint:layers` checks
 * them and CI fails on any violation. Every folder may import only the folders listed for it, so a
 * folder-level cycle cannot exist; `no-circular` also forbids module-level cycles inside a folder.
 */
const layer = (name, from, allowed) => ({
  name,
  severity: 'error',
  comment: `${from} may import only ${allowed.join(', ')}`,
  from: { path: `^src/${from}/` },
  to: { path: '^src/', pathNot: allowed.map((a) => `^src/${a}/`) },
});

const BASE = ['core', 'util'];
const INPUTS = [...BASE, 'catalog', 'search'];
const ADAPTER_DEPS = [...INPUTS, 'ports', 'imaging'];

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    layer('core-is-the-bottom', 'core', ['core']),
    layer('util-on-core', 'util', BASE),
    layer('ports-know-only-core', 'ports', [...BASE, 'ports']),
    layer('catalog-is-input', 'catalog', [...BASE, 'catalog']),
    layer('search-is-input', 'search', [...BASE, 'search']),
    layer('imaging-is-pixel-code', 'imaging', [...BASE, 'catalog', 'imaging']),
    layer('local-embedder-alone', 'adapters/local/embedder', [...ADAPTER_DEPS, 'adapters/local/embedder']),
    layer('local-analyzer-alone', 'adapters/local/analyzer', [...ADAPTER_DEPS, 'adapters/local/analyzer']),
    layer('local-generator-alone', 'adapters/local/generator', [...ADAPTER_DEPS, 'adapters/local/generator']),
    layer('openrouter-alone', 'adapters/openrouter', [...ADAPTER_DEPS, 'adapters/openrouter']),
    layer('lancedb-alone', 'adapters/lancedb', [...ADAPTER_DEPS, 'adapters/lancedb', 'adapters/store-rules']),
    layer('milvus-alone', 'adapters/milvus', [...ADAPTER_DEPS, 'adapters/milvus', 'adapters/store-rules']),
    layer('storage-alone', 'adapters/storage', [...ADAPTER_DEPS, 'adapters/storage']),
    // The queue (BullMQ) and the fleet's shared caps, budget and locks (Redis scripts).
    layer('queue-alone', 'adapters/queue', [...ADAPTER_DEPS, 'adapters/queue']),
    layer('store-rules-shared', 'adapters/store-rules', [...ADAPTER_DEPS, 'adapters/store-rules']),
    layer('presets-below-pipeline', 'presets', [...INPUTS, 'ports', 'imaging', 'presets']),
    layer('report-below-pipeline', 'report', [...BASE, 'imaging', 'report']),
    layer('pipeline-knows-only-ports', 'pipeline', [...INPUTS, 'ports', 'imaging', 'presets', 'report', 'pipeline']),
    layer('demo-draws-inputs', 'demo', [...INPUTS, 'imaging', 'demo']),
    layer('compose-wires-adapters', 'compose', [...ADAPTER_DEPS, 'adapters', 'presets', 'report', 'pipeline', 'compose']),
    // service/: what the HTTP API, the CLI's tenant commands and (later) queue workers share: tenants, run execution, review, exports.
    layer('service-over-compose', 'service', [...INPUTS, 'ports', 'imaging', 'presets', 'report', 'pipeline', 'compose', 'service']),
    // The CLI is the process entry: `hitline serve` starts the server and `hitline worker` a worker (neither imports the CLI).
    layer('cli-through-compose', 'cli', [...INPUTS, 'ports', 'imaging', 'presets', 'report', 'pipeline', 'compose', 'demo', 'service', 'server', 'worker', 'cli']),
    // The HTTP server mounts the sellers' web app (src/web/) at `/`; the web app never imports the server.
    layer('server-through-service', 'server', [...INPUTS, 'ports', 'imaging', 'presets', 'report', 'pipeline', 'compose', 'service', 'web', 'server']),
    layer('web-through-service', 'web', [...INPUTS, 'ports', 'imaging', 'presets', 'report', 'pipeline', 'compose', 'service', 'web']),
    layer('worker-through-service', 'worker', [...INPUTS, 'ports', 'imaging', 'presets', 'report', 'pipeline', 'compose', 'service', 'worker']),
    {
      name: 'no-unknown-folder',
      severity: 'error',
      comment: 'every source file sits in a known layer (add a rule above for a new folder)',
      from: { path: '^src/', pathNot: '^src/(util|core|ports|catalog|search|imaging|adapters/(local/(embedder|analyzer|generator)|openrouter|lancedb|milvus|store-rules|storage|queue)|presets|report|pipeline|demo|compose|service|cli|server|web|worker)/' },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(test|bench|bin)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
