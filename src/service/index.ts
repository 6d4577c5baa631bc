/** The application service's public surface: the container and what transports need from it. */
export { createService, DEFAULT_PRESETS_DIR, type Service, type ServiceOptions } from './container.js';
export type { EventBus, EventListener } from './events.js';
export type { ServiceMode } from './system.js';
