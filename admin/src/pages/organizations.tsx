import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { mayOrg } from '../policy.js';
import { href } from '../router.js';
import type { ApiUser, Page } from '../types.js';
import { DataTable, ErrorNote, formatTime, Loading, Notice, Section, useAction, useLoad } from '../ui.js';

interface Organization {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
  readonly description: string;
  readonly owner_id: number | null;
  readonly created_at: number;
}

export type Role = 'owner' | 'maintainer' | 'supervisor' | 'worker';
const ROLES: readonly Role[] = ['owner', 'maintainer', 'supervisor', 'worker'];

interface Membership {
  readonly id: number;
  readonly user_id: number;
  readonly role: Role;
  readonly is_active: boolean;
  readonly joined_at: number | null;
}

interface Invitation {
  readonly key: string;
  readonly user_id: number;
  readonly role: Role;
  readonly expires_at: number;
  readonly accepted: boolean;
  readonly expired: boolean;
}

const PAGE_SIZE = 25;

export function OrganizationsPage(_props: { viewer: ApiUser }) {
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => get<Page<Organization>>('/organizations', { limit: PAGE_SIZE, offset }), String(offset));
  return (
    <>
      <h1>Organizations</h1>
      <ErrorNote error={list.error} />
      {list.loading && !list.data && <Loading what="organizations" />}
      {list.data && (
        <DataTable
          caption="Organizations"
          rows={list.data.items}
          empty="No organization."
          columns={[
            { title: 'ID', cell: (org) => org.id },
            { title: 'Name', cell: (org) => <a href={href('organizations', org.id)}>{org.name || org.slug}</a> },
            { title: 'Slug', cell: (org) => org.slug },
            { title: 'Owner', cell: (org) => (org.owner_id === null ? '—' : <a href={href('users', org.owner_id)}>#{org.owner_id}</a>) },
            { title: 'Created', cell: (org) => formatTime(org.created_at) },
          ]}
        />
      )}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
          Previous page
        </button>
        <button type="button" disabled={!list.data || list.data.items.length < PAGE_SIZE} onClick={() => setOffset(offset + PAGE_SIZE)}>
          Next page
        </button>
      </nav>
    </>
  );
}

function MemberRow({ viewer, member, viewerRole, onDone }: { viewer: ApiUser; member: Membership; viewerRole: Role | null; onDone: () => void }) {
  const [role, setRole] = useState<Role>(member.role);
  const action = useAction();
  const target = { viewerRole, viewerActive: true, targetRole: member.role, targetUserId: member.user_id };
  const mayChange = mayOrg(viewer, 'membership.change', target);
  const mayRemove = mayOrg(viewer, 'membership.remove', target);
  return (
    <tr>
      <td data-label="User">
        <a href={href('users', member.user_id)}>#{member.user_id}</a>
      </td>
      <td data-label="Role">
        {mayChange ? (
          <>
            <label class="visually-hidden" for={`role-${member.id}`}>
              Role of user #{member.user_id}
            </label>
            <select id={`role-${member.id}`} value={role} onChange={(event) => setRole(event.currentTarget.value as Role)}>
              {ROLES.map((value) => (
                <option value={value}>{value}</option>
              ))}
            </select>
            <button
              type="button"
              disabled={role === member.role || action.busy}
              onClick={() => void action.run(() => api('PATCH', `/memberships/${member.id}`, { role }), 'Role changed').then((ok) => ok && onDone())}
            >
              Save role for #{member.user_id}
            </button>
          </>
        ) : (
          member.role
        )}
      </td>
      <td data-label="Joined">{member.is_active ? formatTime(member.joined_at) : 'invited'}</td>
      <td data-label="Action">
        {mayRemove && (
          <button
            type="button"
            class="danger"
            disabled={action.busy}
            onClick={() => void action.run(() => api('DELETE', `/memberships/${member.id}`), 'Removed').then((ok) => ok && onDone())}
          >
            Remove #{member.user_id}
          </button>
        )}
        <ErrorNote error={action.error} />
        <Notice text={action.done} />
      </td>
    </tr>
  );
}

function InviteForm({ orgId, onDone }: { orgId: number; onDone: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('worker');
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(() => api('POST', `/organizations/${orgId}/invitations`, { email, role }), `Invited ${email}`).then((ok) => ok && onDone());
  };
  return (
    <form class="action" onSubmit={submit}>
      <label for="invite-email">Invite by email</label>
      <input id="invite-email" type="email" required value={email} onInput={(event) => setEmail(event.currentTarget.value)} />
      <label for="invite-role">Role</label>
      <select id="invite-role" value={role} onChange={(event) => setRole(event.currentTarget.value as Role)}>
        {ROLES.filter((value) => value !== 'owner').map((value) => (
          <option value={value}>{value}</option>
        ))}
      </select>
      <button type="submit" disabled={action.busy}>
        Invite
      </button>
      <ErrorNote error={action.error} />
      <Notice text={action.done} />
    </form>
  );
}

export function OrganizationPage({ viewer, id }: { viewer: ApiUser; id: string }) {
  const org = useLoad(() => get<Organization>(`/organizations/${encodeURIComponent(id)}`), id);
  const members = useLoad(() => get<Page<Membership>>(`/organizations/${encodeURIComponent(id)}/memberships`, { limit: 200 }), id);
  const invitations = useLoad(() => get<Page<Invitation>>(`/organizations/${encodeURIComponent(id)}/invitations`, { limit: 100 }), id);
  if (org.error) return <ErrorNote error={org.error} />;
  if (!org.data) return <Loading what="the organization" />;
  const own = members.data?.items.find((member) => member.user_id === viewer.id && member.is_active);
  const standing = { viewerRole: own?.role ?? null, viewerActive: own !== undefined };
  return (
    <>
      <h1>{org.data.name || org.data.slug}</h1>
      <Section title="Details">
        <dl class="fields">
          <div>
            <dt>slug</dt>
            <dd>{org.data.slug}</dd>
          </div>
          <div>
            <dt>description</dt>
            <dd>{org.data.description || '—'}</dd>
          </div>
          <div>
            <dt>created</dt>
            <dd>{formatTime(org.data.created_at)}</dd>
          </div>
        </dl>
      </Section>
      <Section title="Members">
        <ErrorNote error={members.error} />
        {members.data && (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Members</caption>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Joined</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {members.data.items.map((member) => (
                  <MemberRow viewer={viewer} member={member} viewerRole={standing.viewerRole} onDone={members.reload} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <Section title="Invitations">
        <ErrorNote error={invitations.error} />
        {invitations.data && (
          <DataTable
            caption="Invitations"
            rows={invitations.data.items}
            columns={[
              { title: 'User', cell: (invitation) => <a href={href('users', invitation.user_id)}>#{invitation.user_id}</a> },
              { title: 'Role', cell: (invitation) => invitation.role },
              { title: 'State', cell: (invitation) => (invitation.accepted ? 'accepted' : invitation.expired ? 'expired' : 'pending') },
              { title: 'Expires', cell: (invitation) => formatTime(invitation.expires_at) },
            ]}
          />
        )}
        {mayOrg(viewer, 'org.invite', standing) && <InviteForm orgId={org.data.id} onDone={invitations.reload} />}
      </Section>
    </>
  );
}
