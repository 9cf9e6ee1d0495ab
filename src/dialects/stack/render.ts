import type { Organization } from '../../core/orgs/organizations.js';
import type { StackProjectConfig } from '../../core/orgs/stack-projects.js';
import { restrictedReason } from '../../core/orgs/stack-users.js';
import type { User } from '../../core/users/user.js';

/**
 * Stack Auth's user read shapes (spec §3.3, seed `stack-auth-users-me.txt`). The client read is
 * a strict subset of the server read, as Stack strips unknown keys from each.
 */

function clientTeam(team: Organization): Record<string, unknown> {
  return {
    id: team.uuid,
    display_name: team.name,
    profile_image_url: team.profile_image_url,
    client_metadata: team.client_metadata,
    client_read_only_metadata: team.client_read_only_metadata,
  };
}

const serverTeam = (team: Organization): Record<string, unknown> => ({
  ...clientTeam(team),
  created_at_millis: team.created_at,
  server_metadata: team.server_metadata,
});

/** Risk scores are 0–100; the SDK reads `risk_scores.sign_up` of every server user, so it always exists. */
function riskScores(stored: unknown): { sign_up: { bot: number; free_trial_abuse: number } } {
  const signUp = (stored as { sign_up?: { bot?: unknown; free_trial_abuse?: unknown } } | null)?.sign_up;
  const score = (value: unknown): number => (typeof value === 'number' ? value : 0);
  return { sign_up: { bot: score(signUp?.bot), free_trial_abuse: score(signUp?.free_trial_abuse) } };
}

export interface RenderContext {
  readonly config: StackProjectConfig;
  readonly teams: ReadonlyMap<number, Organization>;
}

export function renderClientUser(user: User, context: RenderContext): Record<string, unknown> {
  const reason = restrictedReason(user, context.config);
  const team = user.selected_team_id === null ? undefined : context.teams.get(user.selected_team_id);
  return {
    id: user.uuid,
    primary_email: user.email,
    primary_email_verified: user.email_verified,
    display_name: user.display_name,
    client_metadata: user.client_metadata,
    client_read_only_metadata: user.client_read_only_metadata,
    profile_image_url: user.profile_image_url,
    signed_up_at_millis: user.created_at,
    has_password: user.has_password,
    otp_auth_enabled: false,
    passkey_auth_enabled: false,
    is_anonymous: user.is_anonymous,
    is_restricted: reason !== null,
    restricted_reason: reason === null ? null : { type: reason },
    restricted_by_admin: user.restricted_by_admin,
    restricted_by_admin_reason: user.restricted_by_admin_reason,
    selected_team_id: team?.uuid ?? null,
    selected_team: team ? clientTeam(team) : null,
    oauth_providers: [],
    auth_with_email: user.has_password,
    requires_totp_mfa: false,
  };
}

export function renderServerUser(user: User, context: RenderContext): Record<string, unknown> {
  const team = user.selected_team_id === null ? undefined : context.teams.get(user.selected_team_id);
  return {
    ...renderClientUser(user, context),
    selected_team: team ? serverTeam(team) : null,
    // Roster's email is the one contact channel, used for sign-in whenever it is set.
    primary_email_auth_enabled: user.email !== null,
    server_metadata: user.server_metadata,
    last_active_at_millis: user.last_active_at ?? user.last_logged_in_at ?? user.created_at,
    restricted_by_admin_private_details: user.restricted_by_admin_private_details,
    country_code: user.country_code,
    risk_scores: riskScores(user.risk_scores),
  };
}
