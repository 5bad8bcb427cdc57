/**
 * Every example in /openapi.json is valid against the schema it illustrates (media types, parameters, headers, and
 * `example` on any schema or property), checked with Ajv's JSON Schema 2020-12 dialect, which OpenAPI 3.1 uses.
 */
import { assertEquals } from "@std/assert";
import { Ajv2020 } from "ajv/dist/2020.js";
import formats from "ajv-formats";
import { openApiDocument } from "../../scripts/openapi_dump.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;
const doc: Json = JSON.parse(await openApiDocument());

/** A JSON pointer as a URI fragment Ajv resolves against the document. */
const pointer = (path: string[]) =>
  "#/" + path.map((p) => encodeURIComponent(p.replaceAll("~", "~0").replaceAll("/", "~1"))).join("/");

const SUBSCHEMAS = ["properties", "patternProperties", "$defs"];
const SUBSCHEMA = ["items", "additionalProperties", "not", "contains", "propertyNames"];
const SUBSCHEMA_LISTS = ["oneOf", "anyOf", "allOf", "prefixItems"];

interface Example {
  where: string;
  schema: string[];
  value: unknown;
}

/** Examples attached to a schema and to each schema nested in it. */
function schemaExamples(schema: Json, path: string[], out: Example[]) {
  if (!schema || typeof schema !== "object") return;
  if ("example" in schema) out.push({ where: pointer(path), schema: path, value: schema.example });
  for (const [i, value] of (schema.examples ?? []).entries?.() ?? []) {
    out.push({ where: `${pointer(path)} examples[${i}]`, schema: path, value });
  }
  for (const key of SUBSCHEMAS) {
    for (const name of Object.keys(schema[key] ?? {})) schemaExamples(schema[key][name], [...path, key, name], out);
  }
  for (const key of SUBSCHEMA) if (schema[key]) schemaExamples(schema[key], [...path, key], out);
  for (const key of SUBSCHEMA_LISTS) {
    (schema[key] ?? []).forEach((s: Json, i: number) => schemaExamples(s, [...path, key, String(i)], out));
  }
}

/** Examples of a media type, parameter or header: `example`, or `examples.*.value`. */
function holderExamples(holder: Json, path: string[], out: Example[]) {
  if (!holder?.schema) return;
  const schema = [...path, "schema"];
  if ("example" in holder) out.push({ where: pointer(path), schema, value: holder.example });
  for (const [name, example] of Object.entries(holder.examples ?? {})) {
    out.push({ where: `${pointer(path)} examples.${name}`, schema, value: (example as Json).value });
  }
  schemaExamples(holder.schema, schema, out);
}

function collect(): Example[] {
  const out: Example[] = [];
  for (const [name, schema] of Object.entries(doc.components.schemas as Json)) {
    schemaExamples(schema, ["components", "schemas", name], out);
  }
  for (const [name, header] of Object.entries(doc.components.headers as Json)) {
    holderExamples(header, ["components", "headers", name], out);
  }
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      const at = ["paths", path, method];
      (op.parameters ?? []).forEach((p: Json, i: number) => holderExamples(p, [...at, "parameters", String(i)], out));
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        holderExamples(media as Json, [...at, "requestBody", "content", type], out);
      }
      for (const [status, response] of Object.entries(op.responses as Json)) {
        for (const [type, media] of Object.entries((response as Json).content ?? {})) {
          holderExamples(media as Json, [...at, "responses", status, "content", type], out);
        }
      }
    }
  }
  return out;
}

Deno.test("every example in the OpenAPI document is valid against its schema", () => {
  // The document is the schema resource: its own `#/components/...` references resolve inside it.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its plugin is the module's default export.
  (formats as unknown as { default: (ajv: Ajv2020) => void }).default(ajv);
  ajv.addSchema({ ...doc, $id: "openapi.json" });
  const examples = collect();
  const failures = examples.flatMap(({ where, schema, value }) => {
    const validate = ajv.getSchema(`openapi.json${pointer(schema)}`)!;
    return validate(value) ? [] : [`${where}: ${ajv.errorsText(validate.errors)}`];
  });
  assertEquals(failures, []);
  assertEquals(examples.length > 300, true, `only ${examples.length} examples found`);
  console.log(`${examples.length} examples checked`);
});
