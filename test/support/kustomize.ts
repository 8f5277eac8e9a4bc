import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse, parseAllDocuments } from "yaml";

/**
 * `kustomize build` for the part of kustomize that deploy/kubernetes uses, so
 * the manifests are checked where no kubectl is installed (there is no
 * maintained npm package that renders kustomize offline). Output matches
 * kubectl kustomize's object for object, generated names included; the
 * order of objects differs. A kustomization field, patch form or patched
 * list this file does not implement is refused, never ignored: a manifest
 * that starts using one fails here until this file learns it.
 */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface KustomizeOptions {
  /** Text of files a kustomization reads that are kept out of git (secrets.env), by name relative to its folder. */
  standIns?: Record<string, string>;
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path?: string; [other: string]: unknown }[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
}
interface Generator {
  name: string;
  files?: string[];
  envs?: string[];
  literals?: string[];
  type?: string;
  options?: { disableNameSuffixHash?: boolean; [other: string]: unknown };
  [other: string]: unknown;
}

const FIELDS = new Set(["apiVersion", "kind", "resources", "namespace", "images", "replicas", "patches", "configMapGenerator", "secretGenerator"]);
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass"]);
/** Lists a strategic merge patch merges item by item, and the field that identifies an item (the Kubernetes API's patchMergeKey). */
const MERGE_KEYS: Record<string, string> = { containers: "name", initContainers: "name", env: "name", volumes: "name", volumeMounts: "mountPath" };
const WORKLOADS = new Set(["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet"]);

export function kustomize(dir: string, options: KustomizeOptions = {}): KObject[] {
  const k = parse(readFileSync(join(dir, "kustomization.yaml"), "utf8")) as Kustomization;
  const unknown = Object.keys(k).filter((field) => !FIELDS.has(field));
  if (unknown.length > 0) throw new Error(`${dir}: kustomization fields ${unknown.join(", ")} are not implemented by test/support/kustomize.ts`);
  const read = (name: string): string => {
    const path = join(dir, name);
    if (existsSync(path)) return readFileSync(path, "utf8");
    const standIn = options.standIns?.[name];
    if (standIn === undefined) throw new Error(`${path}: no such file`);
    return standIn;
  };

  const objects: KObject[] = [];
  for (const entry of k.resources ?? []) {
    const path = resolve(dir, entry);
    objects.push(...(statSync(path).isDirectory() ? kustomize(path, options) : documents(read(entry), path)));
  }
  const hashed: KObject[] = [];
  for (const [kind, generators] of [
    ["ConfigMap", k.configMapGenerator],
    ["Secret", k.secretGenerator],
  ] as const) {
    for (const generator of generators ?? []) {
      const object = generate(kind, generator, read);
      objects.push(object);
      if (!generator.options?.disableNameSuffixHash) hashed.push(object);
    }
  }
  for (const patch of k.patches ?? []) {
    const forms = Object.keys(patch).filter((field) => field !== "path");
    if (forms.length > 0 || !patch.path) throw new Error(`${dir}: only strategic merge patches given by path are implemented (got ${JSON.stringify(patch)})`);
    for (const p of documents(read(patch.path), join(dir, patch.path))) {
      const targets = objects.filter((o) => o.kind === p.kind && o.metadata.name === p.metadata.name);
      if (targets.length !== 1) throw new Error(`${patch.path}: patch for ${p.kind}/${p.metadata.name} matches ${targets.length} objects`);
      Object.assign(targets[0], mergePatch(targets[0], p, ""));
    }
  }
  if (k.namespace) for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  for (const image of k.images ?? []) for (const container of containersOf(objects)) container.image = retag(container.image, image);
  for (const { name, count } of k.replicas ?? []) {
    const targets = objects.filter((o) => WORKLOADS.has(o.kind) && o.metadata.name === name);
    if (targets.length !== 1) throw new Error(`${dir}: replicas for ${name} match ${targets.length} workloads`);
    (targets[0].spec as { replicas?: number }).replicas = count;
  }
  for (const object of hashed) {
    const name = `${object.metadata.name}-${contentHash(object)}`;
    renameReferences(objects, object.kind as "ConfigMap" | "Secret", object.metadata.name, name);
    object.metadata.name = name;
  }
  return objects;
}

function documents(text: string, path: string): KObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0].message}`);
    const value = doc.toJS() as KObject | null;
    return value === null ? [] : [value];
  });
}

function generate(kind: "ConfigMap" | "Secret", g: Generator, read: (name: string) => string): KObject {
  const extra = Object.keys(g).filter((field) => !["name", "files", "envs", "literals", "type", "options"].includes(field));
  const extraOptions = Object.keys(g.options ?? {}).filter((field) => field !== "disableNameSuffixHash");
  if (extra.length + extraOptions.length > 0) throw new Error(`${kind} generator ${g.name}: ${[...extra, ...extraOptions].join(", ")} not implemented`);
  const data: Record<string, string> = {};
  for (const file of g.files ?? []) {
    const [key, path] = file.includes("=") ? file.split("=", 2) : [file.split("/").at(-1)!, file];
    data[key] = read(path);
  }
  for (const env of g.envs ?? []) Object.assign(data, envFile(read(env), env));
  for (const literal of g.literals ?? []) Object.assign(data, envFile(literal, "literals"));
  if (kind === "ConfigMap") return { apiVersion: "v1", kind, metadata: { name: g.name }, data };
  const encoded = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, base64Lines(value)]));
  return { apiVersion: "v1", kind, metadata: { name: g.name }, type: g.type ?? "Opaque", data: encoded };
}

/** Base64 as kustomize writes a Secret's value: from 70 characters on, in lines of 70, each ending in a newline (the API ignores them; the name hash does not). */
function base64Lines(value: string): string {
  const encoded = Buffer.from(value).toString("base64");
  if (encoded.length < 70) return encoded;
  return encoded.replace(/.{1,70}/g, (line) => `${line}\n`);
}

/** KEY=value lines; `#` comments and blank lines skipped. A bare KEY (kustomize then reads the caller's environment) is refused. */
function envFile(text: string, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n").map((l) => l.trimStart())) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.indexOf("=");
    if (at <= 0) throw new Error(`${path}: "${line}" is not KEY=value`);
    out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

/** A strategic merge patch: maps merge key by key, `null` removes a key, listed lists merge item by item, other lists of scalars are replaced. */
function mergePatch(target: unknown, patch: unknown, path: string): unknown {
  if (patch === null || typeof patch !== "object") return patch;
  if (Array.isArray(patch)) {
    const field = path.split(".").at(-1)!;
    const key = MERGE_KEYS[field];
    if (!key) {
      if (patch.some((item) => typeof item === "object" && item !== null)) throw new Error(`patching the list ${path} is not implemented (no merge key for ${field})`);
      return patch;
    }
    const merged = Array.isArray(target) ? [...(target as Record<string, unknown>[])] : [];
    for (const item of patch as Record<string, unknown>[]) {
      const at = merged.findIndex((m) => m[key] === item[key]);
      if (at < 0) merged.push(item);
      else merged[at] = mergePatch(merged[at], item, path) as Record<string, unknown>;
    }
    return merged;
  }
  if ("$patch" in patch) throw new Error(`${path}: $patch directives are not implemented`);
  const out: Record<string, unknown> = target !== null && typeof target === "object" && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value, `${path}.${key}`);
  }
  return out;
}

interface PodSpec {
  containers?: { image: string; env?: EnvVar[]; envFrom?: EnvFrom[] }[];
  initContainers?: { image: string; env?: EnvVar[]; envFrom?: EnvFrom[] }[];
  volumes?: { secret?: { secretName?: string }; configMap?: { name?: string }; projected?: { sources?: { secret?: { name?: string }; configMap?: { name?: string } }[] } }[];
}
interface EnvVar {
  valueFrom?: { secretKeyRef?: { name?: string }; configMapKeyRef?: { name?: string } };
}
interface EnvFrom {
  secretRef?: { name?: string };
  configMapRef?: { name?: string };
}

export function podSpecOf(o: KObject): PodSpec | undefined {
  return WORKLOADS.has(o.kind) ? (o.spec as { template?: { spec?: PodSpec } }).template?.spec : undefined;
}

function containersOf(objects: KObject[]) {
  return objects.flatMap((o) => {
    const spec = podSpecOf(o);
    return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  });
}

/** `name[:tag][@digest]` with the image transformer's entry applied when the name is its `name`. */
function retag(image: string, entry: { name: string; newName?: string; newTag?: string; digest?: string }): string {
  const [withTag, digest] = image.split("@");
  const colon = withTag.lastIndexOf(":");
  const hasTag = colon > withTag.lastIndexOf("/");
  const name = hasTag ? withTag.slice(0, colon) : withTag;
  if (name !== entry.name) return image;
  const tag = entry.newTag ?? (hasTag ? withTag.slice(colon + 1) : undefined);
  const newDigest = entry.digest ?? digest;
  return `${entry.newName ?? name}${newDigest ? `@${newDigest}` : tag ? `:${tag}` : ""}`;
}

/** Where pods name a ConfigMap or Secret; a generated object's new name replaces the old there. */
function renameReferences(objects: KObject[], kind: "ConfigMap" | "Secret", from: string, to: string): void {
  const swap = (ref: { name?: string } | undefined) => {
    if (ref?.name === from) ref.name = to;
  };
  for (const object of objects) {
    const spec = podSpecOf(object);
    if (!spec) continue;
    for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      for (const env of container.env ?? []) swap(kind === "Secret" ? env.valueFrom?.secretKeyRef : env.valueFrom?.configMapKeyRef);
      for (const env of container.envFrom ?? []) swap(kind === "Secret" ? env.secretRef : env.configMapRef);
    }
    for (const volume of spec.volumes ?? []) {
      if (kind === "Secret" && volume.secret?.secretName === from) volume.secret.secretName = to;
      if (kind === "ConfigMap") swap(volume.configMap);
      for (const source of volume.projected?.sources ?? []) swap(kind === "Secret" ? source.secret : source.configMap);
    }
  }
}

/**
 * kustomize's name suffix: SHA-256 of the object's kind, name, type and data
 * as Go's encoding/json writes them (keys sorted), its first ten hex digits
 * with 0, 1, 3, a and e swapped for letters so the suffix never spells a word.
 * The name is always empty: kustomize looks it up as one field called
 * "metadata/name", which no object has (checked against kubectl kustomize 5.5).
 */
function contentHash(object: KObject): string {
  const encoded = { data: object.data ?? {}, kind: object.kind, name: "", ...(object.kind === "Secret" ? { type: object.type } : {}) };
  const json = JSON.stringify(sortKeys(encoded)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const hex = createHash("sha256").update(json).digest("hex").slice(0, 10);
  return hex.replace(/[013ae]/g, (c) => ({ "0": "g", "1": "h", "3": "k", a: "m", e: "t" })[c]!);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
