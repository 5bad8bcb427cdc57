/**
 * From CSV text to an import plan: which clients and projects would be
 * created, and every bad row with its line number and field. Validation is
 * the API's own zod schemas, plus what only the whole file or the database
 * can tell: a slug twice in the file or already taken, an archived client.
 */
import type { z } from "zod";
import type { Sql } from "../../db/client.ts";
import { listClientChoices } from "../../db/queries/clients.ts";
import { findProjectBySlug } from "../../db/queries/projects.ts";
import { ClientName } from "../clients/schemas.ts";
import { CreateProjectSchema } from "../projects/schemas.ts";
import { CsvSyntaxError, parseCsv } from "./csv.ts";

export const COLUMNS = ["client", "project", "slug", "description", "environments", "repository_url", "tags"] as const;
type Column = typeof COLUMNS[number];
export const MAX_ROWS = 5000;

export interface ImportError {
  /** The file's line (the header is line 1). */
  line: number;
  /** A column, or a path inside one such as `environments.1.url`; empty for the whole line. */
  field: string;
  message: string;
}

export interface PlannedClient {
  name: string;
  /** Set when the client exists already (matched by name, ignoring case): it is reused, not created. */
  id: string | null;
}

export interface PlannedProject {
  line: number;
  client: string;
  input: z.infer<typeof ProjectRowSchema>;
}

export interface ImportPlan {
  clients: PlannedClient[];
  projects: PlannedProject[];
  errors: ImportError[];
  rows: number;
}

/** A file names its projects by slug (a re-import matches them by it), so here the slug is required. */
const ProjectRowSchema = CreateProjectSchema.omit({ client_id: true }).required({ slug: true });

/** "production=https://a.example;staging=https://b.example" → environments (a name alone has no URL). */
function splitEnvironments(cell: string) {
  return cell.split(";").map((part) => part.trim()).filter(Boolean).map((part) => {
    const eq = part.indexOf("=");
    return eq < 0
      ? { name: part, url: null }
      : { name: part.slice(0, eq).trim(), url: part.slice(eq + 1).trim() || null };
  });
}

const splitTags = (cell: string) => cell.split(";").map((t) => t.trim()).filter(Boolean);

/** The header: known column names in any order, `client` required. */
function readHeader(fields: string[], errors: ImportError[]): Map<Column, number> | undefined {
  const index = new Map<Column, number>();
  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (!(COLUMNS as readonly string[]).includes(name)) {
      errors.push({ line: 1, field: raw, message: `unknown column; the columns are ${COLUMNS.join(", ")}` });
    } else if (index.has(name as Column)) {
      errors.push({ line: 1, field: name, message: "column given twice" });
    } else index.set(name as Column, i);
  });
  if (!index.has("client")) errors.push({ line: 1, field: "client", message: "the client column is required" });
  return errors.length ? undefined : index;
}

/** Checks a CSV file against the schemas and the tenant's data; stores nothing. */
export async function planImport(tx: Sql, tenantId: string, csv: string): Promise<ImportPlan> {
  const errors: ImportError[] = [];
  const plan: ImportPlan = { clients: [], projects: [], errors, rows: 0 };
  let records;
  try {
    records = parseCsv(csv);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    errors.push({ line: error.line, field: "", message: error.message });
    return plan;
  }
  if (records.length === 0) {
    errors.push({
      line: 1,
      field: "",
      message: `the file is empty: the first line names the columns (${COLUMNS.join(",")})`,
    });
    return plan;
  }
  const header = readHeader(records[0].fields, errors);
  if (!header) return plan;
  const rows = records.slice(1);
  plan.rows = rows.length;
  if (rows.length > MAX_ROWS) {
    errors.push({ line: rows[MAX_ROWS].line, field: "", message: `at most ${MAX_ROWS} rows per import` });
    return plan;
  }

  const existing = new Map(
    (await listClientChoices(tx, tenantId, { includeArchived: true })).map((c) => [c.name.toLowerCase(), c]),
  );
  const clients = new Map<string, PlannedClient>();
  const slugs = new Map<string, number>();
  for (const { line, fields } of rows) {
    const cell = (column: Column) => (header.has(column) ? fields[header.get(column)!] ?? "" : "").trim();
    if (fields.length > header.size) {
      errors.push({ line, field: "", message: `${fields.length} fields, the header has ${header.size}` });
    }

    const clientName = ClientName.safeParse(cell("client"));
    if (!clientName.success) {
      errors.push({ line, field: "client", message: clientName.error.issues[0].message });
    } else {
      const key = clientName.data.toLowerCase();
      const known = existing.get(key);
      if (known?.archived) {
        errors.push({ line, field: "client", message: `"${known.name}" is archived: restore it first` });
      } else if (!clients.has(key)) clients.set(key, { name: known?.name ?? clientName.data, id: known?.id ?? null });
    }

    const projectCells = COLUMNS.filter((c) => c !== "client").map(cell);
    if (projectCells.every((v) => v === "")) continue; // a client-only row
    const parsed = ProjectRowSchema.safeParse({
      name: cell("project"),
      slug: cell("slug"),
      description: cell("description") || undefined,
      environments: splitEnvironments(cell("environments")),
      repository_url: cell("repository_url") || undefined,
      tags: splitTags(cell("tags")),
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const [first, ...rest] = issue.path.map(String);
        const field = [first === "name" ? "project" : first, ...rest].join(".");
        errors.push({ line, field, message: issue.message });
      }
      continue;
    }
    const slug = parsed.data.slug;
    if (slugs.has(slug)) {
      errors.push({ line, field: "slug", message: `"${slug}" is also on line ${slugs.get(slug)}` });
      continue;
    }
    slugs.set(slug, line);
    const taken = await findProjectBySlug(tx, tenantId, slug);
    if (taken) errors.push({ line, field: "slug", message: `"${slug}" is already used by project "${taken.name}"` });
    if (clientName.success) plan.projects.push({ line, client: clientName.data.toLowerCase(), input: parsed.data });
  }
  plan.clients = [...clients.values()];
  return plan;
}
