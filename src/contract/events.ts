/**
 * Events the service pushes without being asked: training progress and status changes, saved checkpoints,
 * tokens of a generation as they are produced (tagged with the request id of the call that asked for them), and
 * changes to the library.
 */
import { z } from 'zod';
import { Id } from './schemas/primitives.js';
import { RunProgress, RunStatus } from './schemas/runs.js';
import { RequestId } from './wire.js';

export const eventTable = {
  /** At most a few times a second per run: the run's progress (as `runs.get` gives it), now and then with a sample. */
  'run.progress': RunProgress.extend({
    runId: Id,
    /** A short text generated at this step. */
    sample: z.string().optional(),
  }),
  'run.status': z.object({
    runId: Id,
    status: RunStatus,
    /** One line, when the status is failed. */
    error: z.string().optional(),
  }),
  'run.checkpoint': z.object({
    runId: Id,
    checkpointId: Id,
    step: z.int().nonnegative(),
    isBest: z.boolean(),
    isLast: z.boolean(),
  }),
  'generation.token': z.object({ requestId: RequestId, text: z.string() }),
  /** A corpus or its documents changed (created, renamed, imported into, a document removed, removed). */
  'corpora.changed': z.object({ corpusId: Id }),
} as const satisfies Record<string, z.ZodType>;

export const EVENT_SUMMARIES: Record<EventName, string> = {
  'run.progress': 'Training progress of a run: step, losses, speed, ETA, sometimes a sample.',
  'run.status': "A run's status changed (with the error when it failed).",
  'run.checkpoint': 'A run saved a checkpoint (flags say whether it is the best and/or the last).',
  'generation.token': 'A piece of text produced by the generation request with this id.',
  'corpora.changed': 'A corpus or its documents changed, by this window or another (the app menu, a second window).',
};

export type EventTable = typeof eventTable;
export type EventName = keyof EventTable;
export type EventPayload<E extends EventName> = z.output<EventTable[E]>;
export const EVENT_NAMES = Object.keys(eventTable) as EventName[];
export const isEventName = (name: string): name is EventName => Object.hasOwn(eventTable, name);

/** A validated event, discriminated by name. */
export type ApiEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

/** Validates an event from the wire; unknown names (a newer service) and malformed payloads give null. */
export function parseEvent(name: string, payload: unknown): ApiEvent | null {
  if (!isEventName(name)) return null;
  const parsed = eventTable[name].safeParse(payload);
  return parsed.success ? ({ name, payload: parsed.data } as ApiEvent) : null;
}
