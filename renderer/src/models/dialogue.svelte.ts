/**
 * A conversation with a dialogue model: messages, the reply streaming in token by token, regenerate the last
 * reply, clear. Only finished turns are sent back as history.
 */
import { isCancelled, LIMITS, REPLY_DECODING, type ApiClient, type ChatTurn } from '../lib/api.js';
import { errorText } from '../lib/format.js';

export interface ChatMessage {
  id: number;
  role: 'user' | 'model';
  text: string;
  pending: boolean;
}

export class DialogueModel {
  messages = $state<ChatMessage[]>([]);
  input = $state('');
  temperature = $state<number>(REPLY_DECODING.temperature);
  busy = $state(false);
  error = $state<string | null>(null);
  canRegenerate = $derived(!this.busy && this.messages.at(-1)?.role === 'model' && this.messages.some((m) => m.role === 'user'));

  readonly #api: ApiClient;
  #controller: AbortController | null = null;
  #id = 0;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async send(): Promise<void> {
    const text = this.input.trim();
    if (!text || this.busy) return;
    this.input = '';
    const history = this.#history(this.messages);
    this.messages.push({ id: ++this.#id, role: 'user', text, pending: false });
    await this.#reply(text, history);
  }

  async regenerate(): Promise<void> {
    if (!this.canRegenerate) return;
    this.messages.pop();
    const lastUser = this.messages.findLastIndex((m) => m.role === 'user');
    const message = this.messages[lastUser];
    if (!message) return;
    await this.#reply(message.text, this.#history(this.messages.slice(0, lastUser)));
  }

  clear(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.messages = [];
    this.error = null;
    this.busy = false;
  }

  stop(): void {
    this.#controller?.abort();
  }

  #history(messages: readonly ChatMessage[]): ChatTurn[] {
    return messages
      .filter((m) => !m.pending && m.text)
      .slice(-LIMITS.history)
      .map((m) => ({ role: m.role, text: m.text.slice(0, LIMITS.message) }));
  }

  async #reply(message: string, history: ChatTurn[]): Promise<void> {
    const controller = new AbortController();
    this.#controller = controller;
    this.busy = true;
    this.error = null;
    this.messages.push({ id: ++this.#id, role: 'model', text: '', pending: true });
    const reply = this.messages.at(-1)!;
    try {
      const result = await this.#api.generate.reply(
        { history, message: message.slice(0, LIMITS.message), temperature: this.temperature },
        { signal: controller.signal, onToken: (token) => (reply.text += token) },
      );
      reply.text = result.reply;
      reply.pending = false;
    } catch (e) {
      this.messages = this.messages.filter((m) => m.id !== reply.id);
      if (!isCancelled(e)) this.error = errorText(e);
    } finally {
      if (this.#controller === controller) {
        this.#controller = null;
        this.busy = false;
      }
    }
  }
}
