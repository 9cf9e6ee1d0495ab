import { listAuditLog } from '../../core/moderation/audit-log.js';
import type { Core } from '../../core/context.js';
import { auditQuery } from './params.js';
import { renderAuditPage } from './render.js';
import { AuditListQuery } from './request-schemas.js';
import type { NativeApp } from './routes.js';
import { AuditEntrySchema, listOf, responses } from './schemas.js';

/** The audit log of admin and moderator actions (admins only). */
export function auditRoutes(app: NativeApp, core: Core): void {
  app.get(
    '/audit-log',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audited changes, newest first',
        querystring: AuditListQuery,
        response: responses({ 200: listOf(AuditEntrySchema) }),
      },
    },
    async (request) => renderAuditPage(await listAuditLog(core, request.viewer, auditQuery(request.query))),
  );
}
