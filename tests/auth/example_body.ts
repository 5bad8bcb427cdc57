/**
 * A request body built from an OpenAPI schema: examples first, then enums,
 * then a plausible value per type and format. Lets a test call any write
 * route with input that passes validation, so what it meets next is the
 * route's own lookup.
 */
// deno-lint-ignore no-explicit-any
type Schema = any;

export function exampleFor(schema: Schema, components: Record<string, Schema>, depth = 0): unknown {
  if (!schema || depth > 8) return undefined;
  if (schema.$ref) return exampleFor(components[schema.$ref.split("/").pop()], components, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    // An object whose oneOf only says which properties are required ("exactly one of a / b") is still an object.
    if (schema[key]?.length && !schema.properties) {
      const options = schema[key].filter((s: Schema) => s.type !== "null");
      if (key === "allOf") {
        return Object.assign(
          {},
          ...options.map((s: Schema) => exampleFor(s, components, depth + 1)),
        );
      }
      return exampleFor(options[0] ?? schema[key][0], components, depth + 1);
    }
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const name of [...schema.required ?? [], ...schema.oneOf?.[0]?.required ?? []]) {
        out[name] = exampleFor(schema.properties?.[name], components, depth + 1);
      }
      return out;
    }
    case "array": {
      const item = exampleFor(schema.items, components, depth + 1);
      return Array.from({ length: schema.minItems ?? 0 }, () => item);
    }
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return false;
    case "string":
      return stringFor(schema);
    default:
      return undefined;
  }
}

function stringFor(schema: Schema): string {
  switch (schema.format) {
    case "uuid":
      return crypto.randomUUID();
    case "date-time":
      return new Date(Date.now() + 86_400_000).toISOString();
    case "email":
      return `walker-${crypto.randomUUID().slice(0, 8)}@example.com`;
    case "uri":
    case "url":
      return "https://example.com/";
    default:
      return "x".repeat(Math.max(1, schema.minLength ?? 8));
  }
}
