// The Kubernetes client: kubeconfig (UNIDESK_CI_KUBECONFIG / KUBECONFIG, optional context) or the
// in-cluster service account. It never goes through a proxy: HTTP(S)_PROXY/ALL_PROXY (and Node's
// NODE_USE_ENV_PROXY global dispatcher) are bypassed by an explicit undici Agent on every request,
// and a kubeconfig `proxy-url` is refused (seed: steps calling the API clear proxy variables).
// TLS is always verified: a cluster with `insecure-skip-tls-verify: true` (or a plain http:// server)
// is refused unless UNIDESK_CI_KUBE_INSECURE_SKIP_TLS_VERIFY is set, which is said in one line.
// A production-looking context or server is refused (context-policy.ts).
import { existsSync, readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { Agent } from 'undici';
import { CiError } from '../failure.ts';
import { redact, registerSecret } from '../redact.ts';
import { checkContext } from './context-policy.ts';
import { RetryingHttpLibrary } from './retry.ts';

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
export const INSECURE_OPT_IN = 'UNIDESK_CI_KUBE_INSECURE_SKIP_TLS_VERIFY';

const optedIn = (env: Record<string, string | undefined>) => /^(1|true|yes)$/i.test(env[INSECURE_OPT_IN] ?? '');

/** Whether TLS verification of this cluster is skipped: only when the kubeconfig asks and the opt-in is set. */
export function skipsTlsVerify(cluster: k8s.Cluster | null | undefined, env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(cluster?.skipTLSVerify) && optedIn(env);
}

/** Refuses a cluster whose TLS would not be verified, unless the opt-in is set (then one line says so). */
export function checkTlsVerification(cluster: k8s.Cluster, env: Record<string, string | undefined>, warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  const plainHttp = cluster.server.startsWith('http://');
  if (!cluster.skipTLSVerify && !plainHttp) return;
  const what = plainHttp ? `serves plain HTTP (${cluster.server})` : 'sets insecure-skip-tls-verify: true';
  if (!optedIn(env)) {
    throw new CiError(
      'input',
      `kubeconfig cluster ${cluster.name} ${what}; the harness verifies the API server's TLS certificate: give the cluster's CA (certificate-authority-data), or set ${INSECURE_OPT_IN}=1 to accept an unverified connection`,
    );
  }
  warn(`kubeconfig cluster ${cluster.name} ${what}: TLS is NOT verified because ${INSECURE_OPT_IN} is set`);
}

/** A KubeConfig whose requests always carry a direct (proxy-free) dispatcher, optionally impersonating a user. */
export class DirectKubeConfig extends k8s.KubeConfig {
  impersonateUser: string | undefined;
  directAgent: Agent | undefined;

  override async applySecurityAuthentication(context: k8s.RequestContext): Promise<void> {
    const cluster = this.getCurrentCluster();
    if (cluster?.proxyUrl) {
      throw new CiError('input', `kubeconfig cluster ${cluster.name} sets proxy-url; the Kubernetes API must be reached directly, never through a proxy`);
    }
    await super.applySecurityAuthentication(context);
    // whatever the source (token, tokenFile, rotated service-account token, exec plugin), the bearer sent is a secret
    const auth = context.getHeaders().Authorization ?? context.getHeaders().authorization;
    if (auth?.startsWith('Bearer ')) registerSecret(auth.slice('Bearer '.length));
    // client-node leaves the dispatcher unset when no TLS options apply; then the global (possibly env-proxy) one would be used
    if (context.getDispatcher() === undefined) {
      this.directAgent ??= new Agent();
      context.setDispatcher(this.directAgent);
    }
    if (this.impersonateUser) context.setHeaderParam('Impersonate-User', this.impersonateUser);
  }

  /** client-node's clients, with transient failures of idempotent requests retried (retry.ts). */
  override makeApiClient<T extends k8s.ApiType>(apiClientType: k8s.ApiConstructor<T>): T {
    function WithRetries(config: k8s.Configuration): T {
      return new apiClientType({ ...config, httpApi: new RetryingHttpLibrary(config.httpApi) });
    }
    return super.makeApiClient(WithRetries as unknown as k8s.ApiConstructor<T>);
  }
}

export type KubeConfigSource = { kubeconfig?: string; context?: string };

/** `inClusterRoot` prefixes the service-account paths (tests); in a pod it is empty. */
/**
 * What is wrong with a kubeconfig file, never what is in it: the YAML parser's message quotes the
 * lines around the error, and those can hold a token or a client key.
 */
function loadProblem(e: unknown): string {
  const err = e as Error & { reason?: string; mark?: { line: number; column: number }; code?: string };
  if (err.reason && err.mark) return `invalid YAML: ${err.reason} at line ${err.mark.line + 1}, column ${err.mark.column + 1}`;
  if (err.code) return err.code;
  return redact(String(err.message ?? e).split('\n')[0]).slice(0, 200);
}

export function loadKubeConfig(src: KubeConfigSource, env: Record<string, string | undefined> = process.env, inClusterRoot = ''): DirectKubeConfig {
  const kc = new DirectKubeConfig();
  if (src.kubeconfig) {
    if (!existsSync(src.kubeconfig)) {
      throw new CiError('input', `kubeconfig ${src.kubeconfig} does not exist (UNIDESK_CI_KUBECONFIG or KUBECONFIG)`);
    }
    try {
      kc.loadFromFile(src.kubeconfig);
    } catch (e) {
      throw new CiError('input', `kubeconfig ${src.kubeconfig} cannot be read: ${loadProblem(e)}`);
    }
  } else if (env.KUBERNETES_SERVICE_HOST && existsSync(inClusterRoot + IN_CLUSTER_TOKEN)) {
    kc.loadFromCluster(inClusterRoot);
    registerSecret(readFileSync(inClusterRoot + IN_CLUSTER_TOKEN, 'utf8').trim());
  } else {
    throw new CiError('input', 'no Kubernetes credentials: set UNIDESK_CI_KUBECONFIG (or KUBECONFIG), or run in a pod with a service account');
  }
  if (src.context) {
    if (!kc.getContextObject(src.context)) {
      throw new CiError(
        'input',
        `UNIDESK_CI_KUBE_CONTEXT=${src.context}: no such context in the kubeconfig (have: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`,
      );
    }
    kc.setCurrentContext(src.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new CiError('input', `kubeconfig has no cluster for context ${kc.getCurrentContext() || '(none)'}`);
  if (cluster.proxyUrl) {
    throw new CiError('input', `kubeconfig cluster ${cluster.name} sets proxy-url; the Kubernetes API must be reached directly, never through a proxy`);
  }
  checkContext(kc.getCurrentContext(), cluster.server, env);
  checkTlsVerification(cluster, env);
  registerSecret(kc.getCurrentUser()?.token);
  return kc;
}

/** The same cluster and credentials, acting as another user (kubectl --as): e.g. the runner service account. */
export function impersonating(kc: DirectKubeConfig, user: string): DirectKubeConfig {
  const other = new DirectKubeConfig();
  other.loadFromString(kc.exportConfig());
  other.impersonateUser = user;
  return other;
}

export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}
