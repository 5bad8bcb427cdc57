/** The route table in routes/app.ts is true: every route a module registers lies under a prefix its row names. */
import { assertEquals } from "@std/assert";
import { ROUTE_TABLE } from "../../routes/app.ts";

const under = (path: string, prefix: string) =>
  prefix === "/" ? path === "/" : path === prefix || path.startsWith(`${prefix}/`);

Deno.test("every route is under a prefix its row in the route table names", () => {
  const outside: string[] = [];
  for (const { area, mounts } of ROUTE_TABLE) {
    for (const mount of mounts) {
      for (const route of mount.routes().routes) {
        if (!mount.prefixes.some((prefix) => under(route.path, prefix))) {
          outside.push(`${area}: ${route.method} ${route.path} not under ${mount.prefixes.join(", ")}`);
        }
      }
    }
  }
  assertEquals(outside, []);
});
