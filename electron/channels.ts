/** The IPC channels between the preload bridge and the main process: a small fixed set, nothing generic. */
export const CHANNELS = {
  /** invoke(method, input, requestId) → ResponseBody */
  request: 'longhand:request',
  /** send(requestId) */
  cancel: 'longhand:cancel',
  /** main → renderer: { name, payload } */
  event: 'longhand:event',
  /** invoke(PickPathsOptions) → string[] */
  pickPaths: 'longhand:pick-paths',
} as const;
