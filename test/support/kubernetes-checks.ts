import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { EndpointSlice } from "kubernetes-models/discovery.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1";
import { gatewaySettings, loadGatewayConfig } from "../../gateway/config";
import { subgraphsOf } from "../../gateway/planning/supergraph";
import { dialectOfUrl } from "../../kit/subgraph/db";
import { GATEWAY_ENV, GATEWAY_NODE_ARGS, type ManifestEntry, UNIT_ENTRY, loadUnit, productionSiloOf, unitCommand } from "../../scripts/manifest";
import type { KObject } from "./kustomize";
import { type Container, type Pod, type Probe, containerPort, resolveEnv, selects } from "./kubernetes-pods";

/**
 * What `kubectl apply` would refuse and what would run but not work: every
 * object against the Kubernetes API's schema (kubernetes-models; 1.33's
 * OpenAPI), then the references between objects and to the code. Returns one
 * line per problem; none means the manifests hold together.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/Namespace": Namespace,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "discovery.k8s.io/v1/EndpointSlice": EndpointSlice,
};

/** Probes each process must have: the gateway's /ready and /health; a unit's /health pings its silo, so it only decides readiness. */
const PROBES = { gateway: { readiness: "/ready", liveness: "/health" }, unit: { readiness: "/health", liveness: "/metrics" } };

export function checkManifests(objects: KObject[], units: readonly ManifestEntry[]): string[] {
  const problems: string[] = [];
  const id = (o: KObject) => `${o.kind}/${o.metadata?.name}`;
  for (const o of objects) {
    const Model = MODELS[`${o.apiVersion}/${o.kind}`];
    if (!Model) problems.push(`${id(o)}: no schema for ${o.apiVersion} ${o.kind}`);
    else {
      try {
        new Model(asTheApiReadsIt(o) as never).validate();
      } catch (err) {
        problems.push(`${id(o)}: ${(err as Error).message}`);
      }
    }
  }
  const seen = new Set<string>();
  for (const o of objects) {
    if (seen.has(id(o))) problems.push(`${id(o)}: defined twice`);
    seen.add(id(o));
  }
  const namespaces = new Set(objects.filter((o) => o.kind !== "Namespace").map((o) => o.metadata.namespace ?? "(none)"));
  if (namespaces.size > 1) problems.push(`objects in several namespaces: ${[...namespaces].join(", ")}`);

  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const deployments = byKind("Deployment");
  const services = byKind("Service");
  const podOf = (d: KObject) => (d.spec as { template: { metadata?: { labels?: Record<string, string> }; spec: Pod } }).template;

  // One Deployment per process, started as every launcher starts it.
  const processes = new Map<string, KObject>();
  for (const d of deployments) {
    const { labels = {} } = podOf(d).metadata ?? {};
    const { matchLabels = {} } = (d.spec as { selector: { matchLabels?: Record<string, string> } }).selector;
    if (!selects(matchLabels, labels)) problems.push(`${id(d)}: its selector does not match its own pods' labels`);
    for (const c of podOf(d).spec.containers) {
      const command = c.command ?? [];
      const unit = command.at(-2) === UNIT_ENTRY ? command.at(-1) : undefined;
      const process = command.at(-1) === "dist/gateway/main.js" ? "gateway" : unit;
      if (!process || (unit && !units.some((u) => u.name === unit))) {
        problems.push(`${id(d)}: container ${c.name} runs ${JSON.stringify(c.command)}, neither the gateway nor a unit of subgraphs/manifest.json`);
        continue;
      }
      if (processes.has(process)) problems.push(`${id(d)}: a second Deployment runs ${process}`);
      processes.set(process, d);
      const expected = process === "gateway" ? ["node", ...GATEWAY_NODE_ARGS, "dist/gateway/main.js"] : unitCommand(process);
      if (JSON.stringify(c.command) !== JSON.stringify(expected)) problems.push(`${id(d)}: ${process} must start as ${JSON.stringify(expected)} (scripts/manifest.ts)`);
      problems.push(...checkProcess(d, podOf(d).spec, c, process, objects, units).map((p) => `${id(d)}: ${p}`));
    }
  }
  for (const name of ["gateway", ...units.map((u) => u.name)]) if (!processes.has(name)) problems.push(`no Deployment runs ${name}`);

  for (const s of services) {
    const spec = s.spec as { selector?: Record<string, string>; type?: string; ports?: { name?: string; port: number; targetPort?: number | string }[] };
    if (spec.type === "ExternalName" || !spec.selector) continue;
    const targets = deployments.filter((d) => selects(spec.selector!, podOf(d).metadata?.labels ?? {}));
    if (targets.length !== 1) {
      problems.push(`${id(s)}: its selector matches the pods of ${targets.length} Deployments`);
      continue;
    }
    for (const port of spec.ports ?? []) {
      if (!podOf(targets[0]).spec.containers.some((c) => containerPort(c, port.targetPort ?? port.port) !== undefined)) problems.push(`${id(s)}: targetPort ${port.targetPort ?? port.port} is no container port of ${id(targets[0])}`);
    }
  }

  for (const pdb of byKind("PodDisruptionBudget")) {
    const selector = (pdb.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels ?? {};
    if (!deployments.some((d) => selects(selector, podOf(d).metadata?.labels ?? {}))) problems.push(`${id(pdb)}: selects no Deployment's pods`);
  }
  const hpas = byKind("HorizontalPodAutoscaler");
  for (const hpa of hpas) {
    const spec = hpa.spec as { scaleTargetRef: { kind: string; name: string }; minReplicas?: number };
    const target = find(spec.scaleTargetRef.kind, spec.scaleTargetRef.name);
    if (!target) problems.push(`${id(hpa)}: scales ${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}, which does not exist`);
    else if ((target.spec as { replicas?: number }).replicas !== undefined) problems.push(`${id(hpa)}: ${id(target)} sets replicas, which every apply would reset under the autoscaler`);
    if ((spec.minReplicas ?? 1) < 2) problems.push(`${id(hpa)}: fewer than 2 replicas leaves nothing serving while one restarts`);
  }
  const gateway = processes.get("gateway");
  if (gateway && !hpas.some((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === gateway.metadata.name)) problems.push(`${id(gateway)}: no HorizontalPodAutoscaler scales it`);
  if (gateway && !byKind("PodDisruptionBudget").some((p) => selects((p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, podOf(gateway).metadata?.labels ?? {})))
    problems.push(`${id(gateway)}: no PodDisruptionBudget covers it`);
  return problems;
}

/**
 * kustomize writes a long Secret value's base64 in lines; the API server's
 * decoder (Go's encoding/base64) skips line breaks, the schema's "byte"
 * format does not, so they are taken out before validating.
 */
function asTheApiReadsIt(o: KObject): KObject {
  if (o.kind !== "Secret" || !o.data) return o;
  return { ...o, data: Object.fromEntries(Object.entries(o.data as Record<string, string>).map(([key, value]) => [key, value.replace(/[\r\n]/g, "")])) };
}

/** One process's container: its settings, secrets, probes, ports and what its URLs point at. */
function checkProcess(d: KObject, pod: Pod, c: Container, process: string, objects: KObject[], units: readonly ManifestEntry[]): string[] {
  const problems: string[] = [];
  const { env, problems: unresolved } = resolveEnv(c, objects);
  problems.push(...unresolved);
  if (pod.enableServiceLinks !== false) problems.push("enableServiceLinks must be false: Service links put <SERVICE>_PORT=tcp://… into the environment, and GATEWAY_PORT, <UNIT>_PORT are settings");
  const http = containerPort(c, "http");
  if (http === undefined) problems.push(`container ${c.name} has no port named http`);

  const isGateway = process === "gateway";
  const unitNames = new Set(units.map((u) => u.name.toUpperCase()));
  const settings: Record<string, unknown> = isGateway ? gatewaySettings : loadUnit(process).settings;
  for (const key of Object.keys(env)) {
    const override = /^SUBGRAPH_([A-Z0-9_]+?)_(URL|TIMEOUT_MS)$/.exec(key);
    if (!(key in settings) && !(isGateway && (key in GATEWAY_ENV || (override && unitNames.has(override[1]))))) problems.push(`${key} is not a setting of ${process}`);
  }
  if (isGateway) for (const [key, value] of Object.entries(GATEWAY_ENV)) if (env[key] !== value) problems.push(`the gateway must run with ${key}=${value} (GATEWAY_ENV, scripts/manifest.ts)`);
  let config: Record<string, unknown> = {};
  let listen = { port: -1, host: "", graceMs: 0 };
  try {
    if (isGateway) {
      const g = loadGatewayConfig(env);
      config = g as unknown as Record<string, unknown>;
      listen = { port: g.GATEWAY_PORT, host: g.GATEWAY_HOST, graceMs: g.GATEWAY_SHUTDOWN_GRACE_MS };
    } else {
      const unit = loadUnit(process);
      config = unit.loadConfig(env) as Record<string, unknown>;
      const at = unit.listenOn(config as never);
      listen = { port: at.port, host: at.host, graceMs: at.shutdownGraceMs ?? 0 };
    }
  } catch (err) {
    return [...problems, `${process} would not start: ${(err as Error).message.replace(/\s*\n\s*/g, " ")}`];
  }
  if (listen.host !== "0.0.0.0") problems.push(`${process} listens on ${listen.host}, out of reach of the Service (set its _HOST to 0.0.0.0)`);
  if (http !== undefined && listen.port !== http) problems.push(`${process} listens on ${listen.port}, its container port http is ${http}`);

  const expected = PROBES[isGateway ? "gateway" : "unit"];
  for (const [kind, probe] of [
    ["readiness", c.readinessProbe],
    ["liveness", c.livenessProbe],
  ] as [keyof typeof expected, Probe | undefined][]) {
    if (probe?.httpGet?.path !== expected[kind]) problems.push(`${kind} probe must be GET ${expected[kind]} (got ${probe?.httpGet?.path ?? "none"})`);
    else if (containerPort(c, probe.httpGet.port) !== listen.port) problems.push(`${kind} probe port ${probe.httpGet.port} is not the port ${process} listens on`);
  }
  if (isGateway && (c.readinessProbe?.timeoutSeconds ?? 1) * 1000 <= Number(config.GATEWAY_READY_PROBE_TIMEOUT_MS)) problems.push("the readiness probe gives up before /ready's own probe of a unit (GATEWAY_READY_PROBE_TIMEOUT_MS) can");
  const preStop = c.lifecycle?.preStop?.exec?.command;
  const sleep = preStop?.[0] === "sleep" ? Number(preStop[1]) : 0;
  if ((pod.terminationGracePeriodSeconds ?? 30) * 1000 < sleep * 1000 + listen.graceMs) problems.push(`terminationGracePeriodSeconds is shorter than the preStop wait plus ${process}'s shutdown grace (${listen.graceMs} ms)`);
  const annotations = (d.spec as { template: { metadata?: { annotations?: Record<string, string> } } }).template.metadata?.annotations ?? {};
  if (annotations["prometheus.io/port"] && Number(annotations["prometheus.io/port"]) !== listen.port) problems.push(`prometheus.io/port ${annotations["prometheus.io/port"]} is not the port ${process} listens on`);
  const { requests = {}, limits = {} } = c.resources ?? {};
  if (!requests.cpu || !requests.memory || !limits.memory) problems.push("resources need CPU and memory requests and a memory limit");

  if (isGateway) problems.push(...checkGatewayTargets(pod, c, config, objects, units));
  else {
    const prefix = process.toUpperCase();
    const entry = units.find((u) => u.name === process)!;
    const dbUrl = String(config[`${prefix}_DB_URL`]);
    if (dialectOfUrl(dbUrl) !== productionSiloOf(entry)) problems.push(`${prefix}_DB_URL is a ${dialectOfUrl(dbUrl)} URL; ${process}'s production silo is ${productionSiloOf(entry)}`);
    else if (!isExternal(new URL(dbUrl).hostname, objects)) problems.push(`${prefix}_DB_URL points at ${new URL(dbUrl).hostname}, which is no ExternalName Service or Service with an EndpointSlice`);
    const graphUrl = config[`${prefix}_GRAPH_URL`];
    if (typeof graphUrl === "string" && !servesProcess(graphUrl, "gateway", objects)) problems.push(`${prefix}_GRAPH_URL ${graphUrl} does not reach the gateway's Service`);
  }
  return problems;
}

/** The supergraph comes from a mounted ConfigMap the gateway can watch, and every subgraph it names is reached through that unit's Service. */
function checkGatewayTargets(pod: Pod, c: Container, config: Record<string, unknown>, objects: KObject[], units: readonly ManifestEntry[]): string[] {
  const problems: string[] = [];
  const path = String(config.SUPERGRAPH_PATH);
  const dir = path.slice(0, path.lastIndexOf("/"));
  const file = path.slice(dir.length + 1);
  const mount = c.volumeMounts?.find((m) => m.mountPath === dir);
  const volume = pod.volumes?.find((v) => v.name === mount?.name);
  const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === volume?.configMap?.name);
  if (!mount || !configMap) return [`SUPERGRAPH_PATH ${path} is not in a folder mounted from a ConfigMap`];
  if (mount.subPath) problems.push("the supergraph is mounted with subPath, which never sees a ConfigMap update");
  if (config.SUPERGRAPH_WATCH !== true || config.SUPERGRAPH_URL) problems.push("the gateway must watch SUPERGRAPH_PATH (SUPERGRAPH_WATCH true, no SUPERGRAPH_URL) to take a new ConfigMap without a restart");
  const sdl = (configMap.data as Record<string, string> | undefined)?.[file];
  if (sdl === undefined) return [...problems, `ConfigMap/${configMap.metadata.name} has no key ${file}`];
  const urls = config.subgraphUrls as Map<string, string>;
  for (const { name } of subgraphsOf(sdl)) {
    const url = urls.get(name);
    if (!url) problems.push(`SUBGRAPH_${name.toUpperCase()}_URL is not set: the supergraph's own URL for ${name} is a development one`);
    else if (!servesProcess(url, name, objects)) problems.push(`SUBGRAPH_${name.toUpperCase()}_URL ${url} does not reach ${name}'s Service and port`);
  }
  const named = new Set(subgraphsOf(sdl).map((s) => s.name));
  for (const { name } of units) if (!named.has(name)) problems.push(`the mounted supergraph has no subgraph ${name}`);
  return problems;
}

/** Whether an http URL names a Service (by short name) whose port leads to the container running `process`. */
function servesProcess(raw: string, process: string, objects: KObject[]): boolean {
  const url = new URL(raw);
  const service = objects.find((o) => o.kind === "Service" && o.metadata.name === url.hostname);
  const spec = service?.spec as { selector?: Record<string, string>; ports?: { port: number; targetPort?: number | string }[] } | undefined;
  const port = spec?.ports?.find((p) => p.port === Number(url.port || 80));
  if (!spec?.selector || !port) return false;
  return objects.some((d) => {
    if (d.kind !== "Deployment") return false;
    const template = (d.spec as { template: { metadata?: { labels?: Record<string, string> }; spec: Pod } }).template;
    if (!selects(spec.selector!, template.metadata?.labels ?? {})) return false;
    return template.spec.containers.some((c) => (process === "gateway" ? c.command?.includes("dist/gateway/main.js") : c.command?.at(-2) === UNIT_ENTRY && c.command.at(-1) === process) && containerPort(c, port.targetPort ?? port.port) !== undefined);
  });
}

function isExternal(host: string, objects: KObject[]): boolean {
  const service = objects.find((o) => o.kind === "Service" && o.metadata.name === host);
  const spec = service?.spec as { type?: string; selector?: unknown } | undefined;
  if (!spec) return false;
  if (spec.type === "ExternalName") return true;
  return !spec.selector && objects.some((o) => o.kind === "EndpointSlice" && o.metadata.labels?.["kubernetes.io/service-name"] === host);
}
