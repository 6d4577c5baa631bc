/** Browser mode's HTTP/WebSocket server. */
export { startWebServer, HOST, type WebServer, type WebServerOptions } from './server.js';
export { newToken, tokenMatches, hostAllowed, originAllowed } from './security.js';
export { resolveStatic, contentSecurityPolicy } from './static.js';
