/** CSV sources' files over the API: the upload (streamed, not buffered) and the column types. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { dataSourceJson } from "../../../services/data_sources/data_sources.ts";
import { importCsvFile, retypeCsvColumns } from "../../../services/data_sources/csv_files.ts";
import { CSV_TYPES } from "../../../services/data_sources/kinds/csv/parse.ts";
import { CsvRetypeSchema as RetypeSchema, DataSourceSchema } from "../../../services/data_sources/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, jsonBody, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAG = ["Data sources"];
const PATH = "/api/v1/data-sources";

/** The upload takes up to 50 MB, so routes/app.ts leaves it out of the 1 MiB body limit. */
export const isCsvUpload = (path: string) => /^\/api\/v1\/data-sources\/[^/]+\/csv$/.test(path);

const CsvColumnSchema = z.object({ name: z.string(), type: z.enum(CSV_TYPES) }).openapi("CsvColumn");

const uploadRoute = createRoute({
  method: "post",
  path: `${PATH}/{id}/csv`,
  operationId: "uploadCsv",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Upload a CSV file into a csv source (replaces its table)",
  description: "Needs `data_sources:write`. The body is the file itself (text/csv, UTF-8, header row first, at most " +
    "50 MB), streamed into the source's own table; each column's type (integer, number, boolean, timestamp, text) " +
    "is inferred from every value and can be changed afterwards. Cells are stored as written: a cell starting " +
    "with = + - @ stays text and gets a leading ' when exported as CSV.",
  request: {
    params: IdParam,
    body: { required: true, content: { "text/csv": { schema: z.string().openapi({ format: "binary" }) } } },
  },
  responses: {
    200: jsonAnswer(
      "Imported",
      z.object({ source: DataSourceSchema, rows: z.int(), bytes: z.int(), columns: z.array(CsvColumnSchema) }),
    ),
    403: problem("Your role may not change data sources"),
    413: problem("The file is larger than 50 MB"),
    ...notFoundResponse,
  },
});

const retypeRoute = createRoute({
  method: "patch",
  path: `${PATH}/{id}/csv/columns`,
  operationId: "retypeCsvColumns",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Change the types of a csv source's columns",
  description:
    "Needs `data_sources:write`. Every value must convert, or nothing changes (422 naming `types.<column>`).",
  request: { params: IdParam, body: jsonBody(RetypeSchema) },
  responses: {
    200: jsonAnswer("The new types", z.object({ source: DataSourceSchema, columns: z.array(CsvColumnSchema) })),
    403: problem("Your role may not change data sources"),
    ...notFoundResponse,
  },
});

export function dataSourceFilesApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(uploadRoute, async (c) => {
    const body = c.req.raw.body ?? new Blob([]).stream();
    const r = await importCsvFile(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      body,
      auditContext(c),
    );
    return c.json({ source: dataSourceJson(r.row), rows: r.rows, bytes: r.bytes, columns: r.columns }, 200);
  });
  app.openapi(retypeRoute, async (c) => {
    const { sql } = c.get("deps");
    const id = c.req.valid("param").id;
    const r = await retypeCsvColumns(sql, requirePrincipal(c), id, c.req.valid("json").types, auditContext(c));
    return c.json({ source: dataSourceJson(r.row), columns: r.columns }, 200);
  });
  return app;
}
