// The one run configuration. Every knob a gate or the CLI reads is parsed here, once, by zod,
// from UNIDESK_CI_* variables (CLI flags are mapped onto the same variable names first).
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { CiError } from './failure.ts';
import { isRevision } from './git/revision.ts';
import { registerBasicAuth } from './redact.ts';
import { maskUserinfo, registerUrlSecrets } from './url-secrets.ts';

export const CI_NAMESPACE = 'unidesk-ci';
export const E2E_NAMESPACE_PREFIX = 'unidesk-ci-e2e-';
/** The k3s/ci manifests of this checkout (harness/ is one level below the repository root). */
export const K3S_CI_DIR = resolve(import.meta.dirname, '../k3s/ci');
import { GATES, type Gate } from './gates.ts';
export { GATES, type Gate };

const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no', '']).transform((v) => v === '1' || v === 'true' || v === 'yes');
const positiveMs = z.coerce.number().int().positive();
const url = z.url();

/** host:port on the loopback interface: the only registry CI may push to or pull from. */
export const loopbackRegistry = z.string().regex(/^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d{1,5}$/, 'a loopback host:port such as 127.0.0.1:5000');

/** Run ids become namespace suffixes and label values: DNS-1123 label, short. */
export const runId = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$/, 'lowercase letters, digits and dashes, 1-20 characters');

/** A kubeconfig context or server host matching this looks like production (harness/kube/context-policy.ts). */
export const DEFAULT_DENY_PATTERN = 'prod';

export function isRegExp(source: string): boolean {
  try {
    return Boolean(new RegExp(source, 'i'));
  } catch {
    return false;
  }
}

/** Variable name → schema and what it means. The README table is generated from this list. */
export const VARIABLES = {
  UNIDESK_CI_LAB: { schema: bool.default(false), doc: 'Run against the embedded lab (started by global setup) instead of a real cluster.' },
  UNIDESK_CI_LAB_EXTERNAL: { schema: bool.default(false), doc: 'With UNIDESK_CI_LAB=1: the lab is already running (its variables are set); global setup does not start one.' },
  UNIDESK_CI_RUN_ID: { schema: runId.optional(), doc: 'Run id (namespace suffix, ci-run label). Default: generated.' },
  UNIDESK_CI_REPORT_DIR: { schema: z.string().min(1).default('reports'), doc: 'Where JUnit, metrics and diagnostics are written.' },
  UNIDESK_CI_GATE: { schema: z.enum(GATES).optional(), doc: 'The gate this Vitest invocation runs (set by the CLI).' },
  UNIDESK_CI_REPO_URL: { schema: url.optional(), doc: 'Git remote of the UniDesk repository (http/https; no credentials in the URL).' },
  UNIDESK_CI_REVISION: {
    schema: z.string().refine(isRevision, 'a branch, tag, short SHA or full 40-character SHA').default('master'),
    doc: 'Revision to check: branch, tag, short or full SHA. Resolved to 40 hex.',
  },
  UNIDESK_CI_GIT_USERNAME: { schema: z.string().min(1).optional(), doc: 'Git HTTP username.' },
  UNIDESK_CI_GIT_PASSWORD: { schema: z.string().min(1).optional(), doc: 'Git HTTP password or token (secret; redacted everywhere).' },
  UNIDESK_CI_GIT_CREDENTIALS_DIR: { schema: z.string().min(1).optional(), doc: 'Mounted secret dir with `username` and `password` files (used when the two variables are unset).' },
  UNIDESK_CI_PROXY_URL: { schema: url.optional(), doc: 'Egress proxy for git and dependency downloads (d601-provider-egress-proxy...:18789).' },
  UNIDESK_CI_NO_PROXY: { schema: z.string().optional(), doc: 'NO_PROXY list for steps that use the egress proxy.' },
  UNIDESK_CI_KUBECONFIG: { schema: z.string().min(1).optional(), doc: 'Kubeconfig path (default: KUBECONFIG, then in-cluster service account).' },
  UNIDESK_CI_KUBE_CONTEXT: { schema: z.string().min(1).optional(), doc: 'Kubeconfig context (default: current context).' },
  UNIDESK_CI_KUBE_DENY_PATTERN: {
    schema: z.string().refine(isRegExp, 'a regular expression').default(DEFAULT_DENY_PATTERN),
    doc: 'Case-insensitive regular expression: a kubeconfig context or server host matching it looks like production and is refused (unless listed in UNIDESK_CI_ALLOWED_CONTEXTS).',
  },
  UNIDESK_CI_ALLOWED_CONTEXTS: {
    schema: z.string().min(1).optional(),
    doc: 'Comma list of kubeconfig contexts the harness may use; when set, any other context is refused and a listed one is used even if it matches UNIDESK_CI_KUBE_DENY_PATTERN.',
  },
  UNIDESK_CI_KUBE_INSECURE_SKIP_TLS_VERIFY: {
    schema: bool.default(false),
    doc: 'Accept a kubeconfig with `insecure-skip-tls-verify: true` or a plain http:// server (refused otherwise; a line says TLS is not verified). Never for a real cluster.',
  },
  UNIDESK_CI_APPLY_MANIFESTS: { schema: bool.default(false), doc: 'Global setup applies k3s/ci by server-side apply before the gate.' },
  UNIDESK_CI_TEKTON_CRDS_DIR: { schema: z.string().min(1).optional(), doc: 'Upstream Tekton CRDs (lab only; default ../shared/tekton when it exists).' },
  UNIDESK_CI_MANIFESTS_DIR: { schema: z.string().min(1).optional(), doc: 'The k3s/ci manifests global setup applies and the install gate checks (default: k3s/ci of this checkout).' },
  UNIDESK_CI_REGISTRY: { schema: loopbackRegistry.default('127.0.0.1:5000'), doc: 'D601 loopback artifact registry host:port.' },
  UNIDESK_CI_PERF_TRANSPORT: { schema: z.enum(['cluster', 'direct']).default('cluster'), doc: 'Perf gate transport: temporary Deployment + service proxy, or a base URL.' },
  UNIDESK_CI_PERF_BASE_URL: { schema: url.optional(), doc: 'Code Queue base URL for the direct transport.' },
  UNIDESK_CI_BUDGETS_FILE: { schema: z.string().min(1).optional(), doc: 'Read budgets from this ConfigMap YAML instead of the cluster (laptops).' },
  UNIDESK_CI_METRICS_DATABASE_URL: {
    schema: url.optional(),
    doc: 'PostgreSQL URL of the CI results store: schema unidesk_ci (gate runs, testcases, JUnit, perf history; docs/results.md; secret). Unset: nothing is recorded.',
  },
  UNIDESK_CI_JUNIT: {
    schema: z.enum(['default', 'strict']).default('default'),
    doc: 'JUnit flavour: default (Vitest, testcase <properties>) or strict (valid against xunit-plugin junit-10.xsd: testcase facts as <system-out> lines).',
  },
  UNIDESK_CI_PIPELINERUN: {
    schema: z.string().min(1).optional(),
    doc: 'Inside Tekton: the PipelineRun name (the Task passes the tekton.dev/pipelineRun label of its pod), recorded with the gate run.',
  },
  UNIDESK_CI_TASKRUN: { schema: z.string().min(1).optional(), doc: 'Inside Tekton: the TaskRun name ($(context.taskRun.name)), recorded with the gate run.' },
  UNIDESK_CI_PERF_IMAGE: {
    schema: z.string().min(1).default('unidesk-code-queue:dev'),
    doc: 'Image of the temporary code-queue-ci-read Deployment: unidesk-code-queue:<pinned tag or @digest>, optionally from the loopback registry; never latest.',
  },
  UNIDESK_CI_PERF_DATABASE_SECRET: {
    schema: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Secret name (DNS-1123)')
      .default('code-queue-ci-read-database'),
    doc: 'Secret in unidesk-ci whose DATABASE_URL key the read service uses (the database is never named in CI config).',
  },
  UNIDESK_CI_PERF_REQUEST_TIMEOUT_MS: { schema: positiveMs.default(60_000), doc: 'Per-request timeout of the perf probe; a request that times out counts as +∞ (infra).' },
  UNIDESK_CI_PERF_HISTORY_RUNS: { schema: z.coerce.number().int().min(1).max(100).default(5), doc: 'Perf history: compare with the last K runs on the same environment fingerprint and budgets hash.' },
  UNIDESK_CI_WAIT_MS: { schema: positiveMs.default(600_000), doc: 'Upper bound for any single wait (rollout, run, pull).' },
  UNIDESK_CI_RESULTS_DIR: { schema: z.string().min(1).optional(), doc: 'Tekton-style result files (IMAGE_URL, IMAGE_DIGEST). Default: <report dir>/results.' },
  UNIDESK_CI_SOURCE_WORKTREE: { schema: z.string().min(1).optional(), doc: 'Publish the HEAD of this local worktree: refused when dirty or unpushed; the image is still built from a fresh clone.' },
  UNIDESK_CI_IMAGE_REF: { schema: z.string().min(1).optional(), doc: 'Target of the backend-core publication; must be <registry>/unidesk/backend-core:<commit> (checked, never trusted).' },
  UNIDESK_CI_PREWARM_IMAGES_FILE: { schema: z.string().min(1).default('k3s/ci/prewarm-images.yaml'), doc: 'ConfigMap YAML listing the images ci install prewarms (data.images, one per line).' },
  UNIDESK_CI_PREWARM_MIRROR: { schema: loopbackRegistry.optional(), doc: 'Pull prewarm images from this loopback registry mirror instead of their own registries (the lab).' },
  UNIDESK_CI_PREWARM_MIRROR_DIGESTS: {
    schema: z.string().min(1).optional(),
    doc: 'Lab only: JSON {pinned digest: stand-in digest} for digest-pinned images the mirror can only stand in for (it cannot hold upstream bytes).',
  },
  UNIDESK_CI_STEP_BASE_IMAGE: {
    schema: z
      .string()
      .regex(/@sha256:[a-f0-9]{64}$/, 'an image reference pinned by digest (…@sha256:<64 hex>)')
      .optional(),
    doc: 'Base of the step image (k3s/image/Containerfile), pinned by digest. Default: debian:bookworm-slim at a pinned digest; the lab builds its own.',
  },
  UNIDESK_CI_BUILD_CACHE_DIR: {
    schema: z.string().min(1).optional(),
    doc: 'Persistent buildah storage and build cache of the step image (and the lab Debian base). Default: ${XDG_CACHE_HOME:-~/.cache}/unidesk-ci.',
  },
  UNIDESK_CI_CONTAINERD_ADDRESS: { schema: z.string().min(1).default('/run/k3s/containerd/containerd.sock'), doc: 'The node containerd socket prewarm imports into (namespace k8s.io).' },
  UNIDESK_CI_MIN_PULL_BYTES_PER_SEC: { schema: positiveMs.default(1_000_000), doc: 'Sustained pull throughput below this is infra.network (provider/main-server network or proxy degradation).' },
  UNIDESK_CI_PULL_WINDOW_MS: { schema: positiveMs.default(10_000), doc: 'Window over which prewarm pull throughput counts as sustained (a pull shorter than one window is not judged).' },
  UNIDESK_CI_SANDBOX_UID: {
    schema: z.coerce.number().int().min(1, 'a uid other than 0 (repository code never runs as root)').max(4_294_967_294).default(65532),
    doc: "The uid the commit gate runs the repository's commands as when the harness is root: it cannot read the credentials, the harness's files or its /proc/<pid>/environ (docs/commit-gate.md).",
  },
} as const satisfies Record<string, { schema: z.ZodType; doc: string }>;

export type VariableName = keyof typeof VARIABLES;

/** Flags: an empty value means "no" instead of "unset". */
const BOOLEAN_VARIABLES: ReadonlySet<string> = new Set(['UNIDESK_CI_LAB', 'UNIDESK_CI_LAB_EXTERNAL', 'UNIDESK_CI_APPLY_MANIFESTS', 'UNIDESK_CI_KUBE_INSECURE_SKIP_TLS_VERIFY']);

const shape = Object.fromEntries(Object.entries(VARIABLES).map(([k, v]) => [k, v.schema])) as {
  [K in VariableName]: (typeof VARIABLES)[K]['schema'];
};
const schema = z.object(shape);
export type RawConfig = z.infer<typeof schema>;

export type RunConfig = {
  lab: boolean;
  /** The lab is already running and its variables are set: do not start another. */
  labExternal: boolean;
  runId: string;
  reportDir: string;
  /** Tekton-style result files: UNIDESK_CI_RESULTS_DIR, default <report dir>/results. */
  resultsDir: string;
  junit: 'default' | 'strict';
  gate?: Gate;
  repoUrl?: string;
  revision: string;
  git: { username?: string; password?: string; credentialsDir?: string };
  proxy: { url?: string; noProxy?: string };
  kube: { kubeconfig?: string; context?: string };
  applyManifests: boolean;
  /** The k3s/ci manifests: UNIDESK_CI_MANIFESTS_DIR, default k3s/ci of this checkout. */
  manifestsDir: string;
  tektonCrdsDir?: string;
  /** Inside Tekton: the PipelineRun and TaskRun this gate runs in. */
  tekton: { pipelineRun?: string; taskRun?: string };
  /** The artifact gate's caller worktree and requested image reference. */
  source: { worktree?: string; imageRef?: string };
  registry: string;
  prewarm: { imagesFile: string; mirror?: string; mirrorDigests?: string; containerdAddress: string; minBytesPerSec: number; windowMs: number };
  perf: {
    transport: 'cluster' | 'direct';
    baseUrl?: string;
    image: string;
    databaseSecret: string;
    requestTimeoutMs: number;
    historyRuns: number;
    /** Lab only: the lab database's URL (LAB_CODE_QUEUE_DATABASE_URL), put into the read service's Secret. */
    labDatabaseUrl?: string;
  };
  budgetsFile?: string;
  metricsDatabaseUrl?: string;
  waitMs: number;
  sandboxUid: number;
};

export function generateRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(2, 12); // yymmddhhmm
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

/** The variables as the schema reads them (defaults applied), for what shows or passes them on (`unidesk-ci config`). Throws an `input` CiError naming every bad variable. */
export function parseVariables(env: Record<string, string | undefined>): RawConfig {
  const input: Record<string, string | undefined> = {};
  for (const name of Object.keys(VARIABLES)) {
    const v = env[name];
    if (v !== undefined && !(v === '' && !BOOLEAN_VARIABLES.has(name))) input[name] = v;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0]);
      const shown = name === 'UNIDESK_CI_GIT_PASSWORD' || name === 'UNIDESK_CI_METRICS_DATABASE_URL' ? '(secret)' : JSON.stringify(input[name] === undefined ? undefined : maskUserinfo(input[name]));
      return `${name}=${shown}: expected ${describeExpected(name as VariableName, i.message)}`;
    });
    throw new CiError('input', `invalid run configuration:\n  ${lines.join('\n  ')}`);
  }
  const r = parsed.data;
  if (r.UNIDESK_CI_REPO_URL && /\/\/[^/]*@/.test(r.UNIDESK_CI_REPO_URL)) {
    throw new CiError('input', 'UNIDESK_CI_REPO_URL must not carry credentials; set UNIDESK_CI_GIT_USERNAME/UNIDESK_CI_GIT_PASSWORD or UNIDESK_CI_GIT_CREDENTIALS_DIR');
  }
  registerSecrets(r.UNIDESK_CI_GIT_USERNAME, r.UNIDESK_CI_GIT_PASSWORD, [r.UNIDESK_CI_PROXY_URL, r.UNIDESK_CI_PERF_BASE_URL, r.UNIDESK_CI_METRICS_DATABASE_URL]);
  return r;
}

/** Parse the environment (plus flags mapped to variable names): once per process; the rest is handed the result. */
export function loadConfig(env: Record<string, string | undefined> = process.env): RunConfig {
  const r = parseVariables(env);
  const reportDir = r.UNIDESK_CI_REPORT_DIR;
  return {
    lab: r.UNIDESK_CI_LAB,
    labExternal: r.UNIDESK_CI_LAB_EXTERNAL,
    runId: r.UNIDESK_CI_RUN_ID ?? generateRunId(),
    reportDir,
    resultsDir: r.UNIDESK_CI_RESULTS_DIR ?? join(reportDir, 'results'),
    junit: r.UNIDESK_CI_JUNIT,
    gate: r.UNIDESK_CI_GATE,
    repoUrl: r.UNIDESK_CI_REPO_URL,
    revision: r.UNIDESK_CI_REVISION,
    git: { username: r.UNIDESK_CI_GIT_USERNAME, password: r.UNIDESK_CI_GIT_PASSWORD, credentialsDir: r.UNIDESK_CI_GIT_CREDENTIALS_DIR },
    proxy: { url: r.UNIDESK_CI_PROXY_URL, noProxy: r.UNIDESK_CI_NO_PROXY },
    kube: { kubeconfig: r.UNIDESK_CI_KUBECONFIG ?? env.KUBECONFIG, context: r.UNIDESK_CI_KUBE_CONTEXT },
    applyManifests: r.UNIDESK_CI_APPLY_MANIFESTS,
    manifestsDir: r.UNIDESK_CI_MANIFESTS_DIR ?? K3S_CI_DIR,
    tektonCrdsDir: r.UNIDESK_CI_TEKTON_CRDS_DIR,
    tekton: { pipelineRun: r.UNIDESK_CI_PIPELINERUN, taskRun: r.UNIDESK_CI_TASKRUN },
    source: { worktree: r.UNIDESK_CI_SOURCE_WORKTREE, imageRef: r.UNIDESK_CI_IMAGE_REF },
    registry: r.UNIDESK_CI_REGISTRY,
    prewarm: {
      imagesFile: r.UNIDESK_CI_PREWARM_IMAGES_FILE,
      mirror: r.UNIDESK_CI_PREWARM_MIRROR,
      mirrorDigests: r.UNIDESK_CI_PREWARM_MIRROR_DIGESTS,
      containerdAddress: r.UNIDESK_CI_CONTAINERD_ADDRESS,
      minBytesPerSec: r.UNIDESK_CI_MIN_PULL_BYTES_PER_SEC,
      windowMs: r.UNIDESK_CI_PULL_WINDOW_MS,
    },
    perf: {
      transport: r.UNIDESK_CI_PERF_TRANSPORT,
      baseUrl: r.UNIDESK_CI_PERF_BASE_URL,
      image: r.UNIDESK_CI_PERF_IMAGE,
      databaseSecret: r.UNIDESK_CI_PERF_DATABASE_SECRET,
      requestTimeoutMs: r.UNIDESK_CI_PERF_REQUEST_TIMEOUT_MS,
      historyRuns: r.UNIDESK_CI_PERF_HISTORY_RUNS,
      labDatabaseUrl: env.LAB_CODE_QUEUE_DATABASE_URL || undefined,
    },
    budgetsFile: r.UNIDESK_CI_BUDGETS_FILE,
    metricsDatabaseUrl: r.UNIDESK_CI_METRICS_DATABASE_URL,
    waitMs: r.UNIDESK_CI_WAIT_MS,
    sandboxUid: r.UNIDESK_CI_SANDBOX_UID,
  };
}

/** A configuration parsed in another process (global setup → test files): its secrets are redacted here too. */
export function useConfig(config: RunConfig): RunConfig {
  registerSecrets(config.git.username, config.git.password, [config.proxy.url, config.perf.baseUrl, config.metricsDatabaseUrl]);
  return config;
}

/** Every URL-valued variable may carry a password (proxy, perf base URL, metrics database). */
function registerSecrets(username: string | undefined, password: string | undefined, urls: ReadonlyArray<string | undefined>): void {
  registerBasicAuth(username, password);
  for (const v of urls) registerUrlSecrets(v);
}

function describeExpected(name: VariableName, zodMessage: string): string {
  if (BOOLEAN_VARIABLES.has(name)) return 'one of 1, 0, true, false, yes, no';
  if (/^Invalid URL/i.test(zodMessage)) return 'a URL such as http://host:port/path';
  return zodMessage.replace(/^(Invalid (input|string)|Too (small|big)): /i, '').replace(/^expected /i, '');
}

/** A gate that needs a knob asks for it here; the error names the variable. */
export function required<T>(value: T | undefined, variable: VariableName, what: string): T {
  if (value === undefined || value === '') throw new CiError('input', `${variable} is not set: ${what}`);
  return value;
}
