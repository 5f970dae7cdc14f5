// The language a workspace's reasons are written in: the one it chose, else Korean for a
// KRW workspace and English otherwise — the rule the console already applies to its own
// default language (console/src/main.tsx, pages/settings.tsx), so what the settings page
// shows as the language is the language of the alerts.
import type { WorkspaceSettings } from "../../db/schema.ts";
import type { Locale } from "../../rules/index.ts";

export function localeOf(settings: Pick<WorkspaceSettings, "locale" | "currency">): Locale {
  return settings.locale ?? (settings.currency === "KRW" ? "ko" : "en");
}
