import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { BackendUnavailableError, TargetNotAllowedError } from '../../common/errors.js';
import type { KubernetesTarget } from './target.js';

// Refuses a context or namespace the scenario does not allow-list. Validation already
// checked the scenario; this holds for every caller (cleanup, dry-run, cluster commands).
export function assertAllowed(target: Pick<KubernetesTarget, 'context' | 'namespace' | 'allowedContexts' | 'allowedNamespaces'>): void {
  if (!target.allowedContexts.includes(target.context)) {
    throw new TargetNotAllowedError(`kube context "${target.context}" is not in the scenario's allowedContexts (${target.allowedContexts.join(', ')})`);
  }
  if (!target.allowedNamespaces.includes(target.namespace)) {
    throw new TargetNotAllowedError(`namespace "${target.namespace}" is not in the scenario's allowedNamespaces (${target.allowedNamespaces.join(', ')})`);
  }
}

// The user's kubeconfig, never the scenario's: `--kubeconfig` (the CLI puts it in $KUBECONFIG,
// as kubectl's flag and variable mean the same), else $KUBECONFIG, else ~/.kube/config. A
// kubeconfig can run any program as its credential plugin, so only the person running kdrill
// chooses it.
export function kubeconfigFiles(): string[] {
  const fromEnv = process.env.KUBECONFIG?.split(path.delimiter).filter(Boolean) ?? [];
  return fromEnv.length > 0 ? fromEnv : [path.join(homedir(), '.kube', 'config')];
}

// The kubeconfig with the scenario's context selected, after the allow-list check. A context
// the kubeconfig lacks is refused: kdrill never falls back to whatever context is current.
export function loadKubeConfig(target: KubernetesTarget): KubeConfig {
  assertAllowed(target);
  const kc = new KubeConfig();
  const files = kubeconfigFiles();
  const named = files.join(path.delimiter);
  const attempts: { strategy: string; reason: string }[] = [];
  const explicit = Boolean(process.env.KUBECONFIG);
  if (explicit || files.some((f) => existsSync(f))) {
    try {
      if (explicit && files.length === 1) kc.loadFromFile(files[0]!);
      else kc.loadFromDefault();
    } catch (error) {
      throw new BackendUnavailableError(`the kubeconfig ${named} could not be read`, [{ strategy: named, reason: (error as Error).message.split('\n')[0]! }]);
    }
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    attempts.push({ strategy: named, reason: 'no such file' }, { strategy: 'in-cluster service account', reason: 'KUBERNETES_SERVICE_HOST is not set' });
  }
  if (!kc.getContextObject(target.context)) {
    const known = kc.getContexts().map((c) => c.name);
    throw new BackendUnavailableError(`kube context "${target.context}" is not in ${attempts.length ? 'any kubeconfig' : named}${known.length ? ` (it has ${known.join(', ')})` : ''}`, attempts, {
      hint: target.context.startsWith('kind-') ? '`kdrill cluster up --backend kind` creates the kind cluster and its context' : 'pass `--kubeconfig FILE` or point $KUBECONFIG at the kubeconfig holding it',
    });
  }
  kc.setCurrentContext(target.context);
  return kc;
}
