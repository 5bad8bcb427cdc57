/**
 * SCIM discovery (RFC 7644 §4): /ServiceProviderConfig, /Schemas and
 * /ResourceTypes, so Okta and Entra learn what this server does. The schema
 * and resource-type descriptions come from npm `scimmy` (its RFC 7643 core
 * definitions), cut down to the attributes we store, so a client never sends
 * one we would refuse as unknown.
 */
import SCIMMY from "scimmy";
import { GROUP_SCHEMA, LIST_SCHEMA, ScimError, USER_ATTRIBUTES, USER_SCHEMA } from "./scim.ts";

const GROUP_ATTRIBUTES = new Set(["id", "displayName", "members", "meta", "schemas"]);

const list = <T>(resources: T[]) => ({
  schemas: [LIST_SCHEMA],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

/** What this server supports (RFC 7643 §5): PATCH and filters yes; bulk, sorting, ETags, passwords no. */
export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    documentationUri: `${baseUrl}/docs/integrations.md`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: 200 },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [{
      type: "oauthbearertoken",
      name: "SCIM bearer token",
      description: "The tenant's SCIM token, issued on the user sync page (only its SHA-256 is stored)",
      primary: true,
    }],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/scim/v2/ServiceProviderConfig` },
  };
}

function schemas(baseUrl: string) {
  const keep = (description: SCIMMY.Types.SchemaDefinition.SchemaDescription, names: Set<string>) => ({
    ...description,
    attributes: description.attributes.filter((a) => names.has(a.name)),
  });
  const location = `${baseUrl}/scim/v2/Schemas`;
  return [
    keep(SCIMMY.Schemas.User.definition.describe(location), USER_ATTRIBUTES),
    keep(SCIMMY.Schemas.Group.definition.describe(location), GROUP_ATTRIBUTES),
  ];
}

export const listSchemas = (baseUrl: string) => list(schemas(baseUrl));

export function getSchema(baseUrl: string, id: string) {
  const found = schemas(baseUrl).find((s) => s.id === id);
  if (!found) throw new ScimError(404, null, `Schema ${id} not found`);
  return found;
}

function resourceTypes(baseUrl: string) {
  return [SCIMMY.Resources.User, SCIMMY.Resources.Group].map((resource) => {
    const d = resource.describe();
    return {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: d.id,
      name: d.name,
      endpoint: d.endpoint,
      description: d.description,
      schema: d.id === "User" ? USER_SCHEMA : GROUP_SCHEMA,
      meta: { resourceType: "ResourceType", location: `${baseUrl}/scim/v2/ResourceTypes/${d.id}` },
    };
  });
}

export const listResourceTypes = (baseUrl: string) => list(resourceTypes(baseUrl));

export function getResourceType(baseUrl: string, id: string) {
  const found = resourceTypes(baseUrl).find((r) => r.id === id);
  if (!found) throw new ScimError(404, null, `Resource type ${id} not found`);
  return found;
}
