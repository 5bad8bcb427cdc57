/** Request and response shapes of the profile, preferences and password change, for the API and the forms. */
import { z } from "@hono/zod-openapi";
import { PASSWORD_INPUT_MAX } from "../auth/passwords.ts";

export const THEMES = ["light", "dark", "auto"] as const;
export type ThemeName = typeof THEMES[number];

/** An IANA zone name such as Europe/Paris, as Intl knows it; offsets like "+02:00" are not zones. */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical spelling ("europe/paris" → "Europe/Paris"). */
export function canonicalTimeZone(value: string): string {
  return new Intl.DateTimeFormat("en", { timeZone: value }).resolvedOptions().timeZone;
}

/** Every zone for the profile page's picker. */
export function timeZones(): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}

export const TimeZoneSchema = z.string().max(64).refine(isTimeZone, {
  message: "must be an IANA time zone such as Europe/Paris or UTC",
}).openapi({ example: "Europe/Paris" });

export const ThemeSchema = z.enum(THEMES).openapi({ description: "auto follows the operating system" });

export const ProfileUpdateSchema = z.strictObject({
  name: z.string().trim().min(1, "Enter your name").max(200).optional().openapi({ example: "Ada Lovelace" }),
  timezone: TimeZoneSchema.nullable().optional().openapi({ description: "null: show times in the browser's zone" }),
}).openapi("ProfileUpdate");
export type ProfileUpdate = z.infer<typeof ProfileUpdateSchema>;

export const ProfileSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  timezone: z.string().nullable().openapi({ example: "Europe/Paris", description: "null: the browser's zone" }),
}).openapi("Profile");

export const PreferencesSchema = z.object({
  theme: ThemeSchema,
  timezone: z.string().nullable().openapi({ example: "Europe/Paris", description: "The same value as the profile's" }),
}).openapi("Preferences");

export const PreferencesUpdateSchema = z.strictObject({
  theme: ThemeSchema.optional(),
  timezone: TimeZoneSchema.optional(),
}).openapi("PreferencesUpdate");
export type PreferencesUpdate = z.infer<typeof PreferencesUpdateSchema>;

export const PasswordChangeSchema = z.strictObject({
  current_password: z.string().min(1, "Enter your current password").max(PASSWORD_INPUT_MAX),
  new_password: z.string().min(1, "Enter a new password").max(PASSWORD_INPUT_MAX).openapi({
    description: "8 to 128 characters, and not easy to guess (judged by zxcvbn)",
  }),
}).openapi("PasswordChange");
export type PasswordChange = z.infer<typeof PasswordChangeSchema>;
