import type { KObject } from "./kustomize";

/** The parts of a pod spec the manifest checks read (the schema check has validated the rest). */
export interface Probe {
  httpGet?: { path?: string; port: number | string };
  timeoutSeconds?: number;
}
export interface Container {
  name: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef; [other: string]: unknown } }[];
  envFrom?: { prefix?: string; secretRef?: { name: string; optional?: boolean }; configMapRef?: { name: string; optional?: boolean } }[];
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}
export interface Pod {
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string } }[];
  enableServiceLinks?: boolean;
  terminationGracePeriodSeconds?: number;
}

/** Every label of the selector is on the pod. */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** The container port a probe or a Service's targetPort means (by name or number), if the container has it. */
export function containerPort(c: Container, port: number | string): number | undefined {
  return c.ports?.find((p) => (typeof port === "string" ? p.name === port : p.containerPort === port))?.containerPort;
}

/** A ConfigMap's or Secret's values as a process would see them (Secret data decoded). */
function valuesOf(o: KObject): Record<string, string> {
  if (o.kind === "ConfigMap") return { ...(o.data as Record<string, string> | undefined) };
  const data = Object.entries((o.data as Record<string, string> | undefined) ?? {}).map(([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")]);
  return { ...Object.fromEntries(data), ...(o.stringData as Record<string, string> | undefined) };
}

/** The environment the container starts with: literal values, and keys of the Secrets and ConfigMaps it names, which must exist. */
export function resolveEnv(c: Container, objects: KObject[]): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  const source = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  for (const from of c.envFrom ?? []) {
    const [kind, ref] = from.secretRef ? ["Secret", from.secretRef] : ["ConfigMap", from.configMapRef!];
    const object = source(kind, ref.name);
    if (!object && !ref.optional) problems.push(`envFrom names ${kind}/${ref.name}, which does not exist`);
    for (const [key, value] of Object.entries(object ? valuesOf(object) : {})) env[`${from.prefix ?? ""}${key}`] = value;
  }
  for (const variable of c.env ?? []) {
    const { secretKeyRef, configMapKeyRef, ...other } = variable.valueFrom ?? {};
    const ref = secretKeyRef ?? configMapKeyRef;
    if (Object.keys(other).length > 0) problems.push(`${variable.name}: only values and Secret or ConfigMap keys can be checked`);
    if (!ref) {
      env[variable.name] = variable.value ?? "";
      continue;
    }
    const kind = secretKeyRef ? "Secret" : "ConfigMap";
    const object = source(kind, ref.name);
    const value = object ? valuesOf(object)[ref.key] : undefined;
    if (value !== undefined) env[variable.name] = value;
    else if (!ref.optional) problems.push(`${variable.name} reads key ${ref.key} of ${kind}/${ref.name}, which ${object ? "has no such key" : "does not exist"}`);
  }
  return { env, problems };
}
