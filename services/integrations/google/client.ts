/**
 * Google Drive v3 through npm `@googleapis/drive`, pointed at the configured
 * API root (`GOOGLE_API_URL`, a stand-in in tests). The package is loaded on
 * first use: it costs about half a second to import, which every process and
 * test file would otherwise pay at start-up. A 401 becomes TokenRefused (the
 * integration is broken until reconnected); a 404 is a file that is gone or
 * not shared with the account.
 */
import { type ProviderCall, TokenRefused } from "../provider.ts";

type DriveModule = typeof import("@googleapis/drive");
let loading: Promise<DriveModule> | undefined;
const load = () => loading ??= import("@googleapis/drive");

async function driveClient(call: Pick<ProviderCall, "settings" | "accessToken">) {
  const { auth, drive } = await load();
  const client = new auth.OAuth2();
  client.setCredentials({ access_token: call.accessToken });
  return drive({ version: "v3", rootUrl: call.settings.apiUrl, auth: client, timeout: 15_000, retry: false });
}

const statusOf = (error: unknown) =>
  typeof error === "object" && error !== null && "status" in error ? Number(error.status) : undefined;

async function driveCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (statusOf(error) === 401) {
      throw new TokenRefused(`Google refused the token: ${error instanceof Error ? error.message : String(error)}`);
    }
    throw error;
  }
}

/** The connected account (Drive's about.get: no extra OpenID scope needed). */
export async function aboutUser(call: ProviderCall) {
  const d = await driveClient(call);
  const res = await driveCall(() => d.about.get({ fields: "user(displayName,emailAddress,permissionId)" }));
  return res.data.user ?? {};
}

export const FILE_FIELDS = "id,name,webViewLink,modifiedTime,mimeType,trashed";

export type DriveFile =
  | {
    found: true;
    name: string | null;
    webViewLink: string | null;
    modifiedTime: string | null;
    mimeType: string | null;
    trashed: boolean;
  }
  | { found: false };

/** files.get of one file, in shared drives too. */
export async function getFile(call: ProviderCall, fileId: string): Promise<DriveFile> {
  const d = await driveClient(call);
  try {
    const res = await driveCall(() => d.files.get({ fileId, fields: FILE_FIELDS, supportsAllDrives: true }));
    const f = res.data;
    return {
      found: true,
      name: f.name ?? null,
      webViewLink: f.webViewLink ?? null,
      modifiedTime: f.modifiedTime ?? null,
      mimeType: f.mimeType ?? null,
      trashed: f.trashed === true,
    };
  } catch (error) {
    if (statusOf(error) === 404) return { found: false };
    throw error;
  }
}
