// Renderer entry: connect (Electron bridge or local WebSocket), build the models, mount the app.
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { createApiClient, type LonghandBridge, type WebSocketLike } from './lib/api.js';
import { connect } from './lib/connect.js';
import { AppModel } from './models/app.svelte.js';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in browser mode. */
    longhand?: LonghandBridge;
  }
}

// The DOM WebSocket has the shape the transport uses; its event types are only more specific.
const connection = connect(window, (url) => new WebSocket(url) as unknown as WebSocketLike);
const api = createApiClient(connection.transport);
const app = new AppModel(api, { pickPaths: connection.pickPaths, mode: connection.mode });
if (connection.error) app.connectionError = connection.error;

mount(App, { target: document.getElementById('app')!, props: { app } });
void app.start();
