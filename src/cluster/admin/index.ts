export {
  AdminServerError,
  startAdminServer,
  toJson,
  type AdminServer,
  type AdminServerCode,
  type AdminServerOptions,
} from './server.js';
