import type { Core } from '../../core/context.js';
import { createUser, deleteUser, getUser, getUserByUuid, renameUser, setUserLevel, updateUser } from '../../core/users/users.js';
import { clientIp } from '../../http/client-ip.js';
import { listNameChanges } from '../../query/list-name-changes.js';
import { searchUsers } from '../../query/search-users.js';
import { createUserInput, nameChangeListRequest, parseLevelValue, parseUserRef, userListRequest, userPatch } from './params.js';
import { renderPage, renderUser, renderUserPage } from './render.js';
import { CreateUserBody, DeleteUserBody, LevelBody, NameChangeListQuery, RenameBody, UserListQuery, UserPatchBody, UserRefParams } from './request-schemas.js';
import type { NativeApp } from './routes.js';
import { IdParams, listOf, NameChangeSchema, responses, UserListSchema, UserSchema } from './schemas.js';

const tags = ['users'];
const one = responses({ 200: UserSchema });

/** Users: search, read, create. */
export function userRoutes(app: NativeApp, core: Core): void {
  app.get('/users', { schema: { tags, summary: 'Search users', querystring: UserListQuery, response: responses({ 200: UserListSchema }) } }, async (request) =>
    renderUserPage(request.viewer, await searchUsers(core, request.viewer, userListRequest(request.query, request.viewer))),
  );

  app.get('/users/:id', { schema: { tags, summary: 'A user, by id or uuid', params: UserRefParams, response: one } }, async (request) => {
    const ref = parseUserRef(request.params.id);
    const user = 'id' in ref ? await getUser(core, ref.id) : await getUserByUuid(core, ref.uuid);
    return renderUser(request.viewer, user);
  });

  app.post(
    '/users',
    { schema: { tags, summary: 'Create a user (admins), or sign up (anonymous)', body: CreateUserBody, response: responses({ 201: UserSchema }) } },
    async (request, reply) => {
      const user = await createUser(core, request.viewer, createUserInput(request.body, clientIp(request)));
      return reply.code(201).send(renderUser(request.viewer, user));
    },
  );
}

/** Changes to one user (profile and data, deletion, level, name) and the name history. */
export function userChangeRoutes(app: NativeApp, core: Core): void {
  app.patch('/users/:id', { schema: { tags, summary: 'Change a user', params: IdParams, body: UserPatchBody, response: one } }, async (request) => {
    const { current_password: currentPassword, ...body } = request.body;
    const proof = currentPassword === undefined ? {} : { currentPassword };
    return renderUser(request.viewer, await updateUser(core, request.viewer, request.params.id, userPatch(body), proof));
  });

  app.delete(
    '/users/:id',
    { schema: { tags, summary: 'Delete a user (scrubbed to user_<id>)', params: IdParams, body: DeleteUserBody, response: one } },
    async (request) => renderUser(request.viewer, await deleteUser(core, request.viewer, request.params.id, request.body ?? {})),
  );

  app.put('/users/:id/level', { schema: { tags, summary: "Set a user's level", params: IdParams, body: LevelBody, response: one } }, async (request) =>
    renderUser(request.viewer, await setUserLevel(core, request.viewer, request.params.id, parseLevelValue('level', request.body.level))),
  );

  app.post('/users/:id/rename', { schema: { tags, summary: 'Rename a user', params: IdParams, body: RenameBody, response: one } }, async (request) =>
    renderUser(request.viewer, await renameUser(core, request.viewer, request.params.id, request.body.name)),
  );

  app.get(
    '/name-changes',
    { schema: { tags, summary: 'Name history', querystring: NameChangeListQuery, response: responses({ 200: listOf(NameChangeSchema) }) } },
    async (request) => renderPage(await listNameChanges(core, request.viewer, nameChangeListRequest(request.query, request.viewer)), (change) => change),
  );
}
