// Test helper: a tiny OpenAI-compatible chat-completions endpoint on 127.0.0.1. Not part of the build.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A reply: the assistant's content, or an HTTP error status with a body. */
export type ChatReply = string | { readonly status: number; readonly body: string };

/** A running endpoint: its base URL (`.../v1`), requests seen, and Authorization headers seen. */
export interface ChatServer {
  readonly server: Server;
  readonly url: string;
  readonly requests: () => number;
  readonly auth: () => string[];
}

/**
 * Start an endpoint answering POST /v1/chat/completions with `reply(userMessage)`; any other
 * request gets 404. Every request is counted. Close it with `server.close()`.
 */
export function startChatServer(reply: (user: string) => ChatReply): Promise<ChatServer> {
  let count = 0;
  const auths: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let data = "";
    req.on("data", (chunk: Buffer) => (data += chunk.toString("utf8")));
    req.on("end", () => {
      count++;
      auths.push(req.headers.authorization ?? "");
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        res.writeHead(404).end("not found");
        return;
      }
      const body = JSON.parse(data) as { model: string; messages: { role: string; content: string }[] };
      const answer = reply(body.messages.find((m) => m.role === "user")!.content);
      if (typeof answer !== "string") {
        res.writeHead(answer.status).end(answer.body);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "x", object: "chat.completion", model: body.model, choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: "stop" }] }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ server, url: `http://127.0.0.1:${port}/v1`, requests: () => count, auth: () => auths });
    });
  });
}

/** The text after `marker` in a prompt, up to the end of that line. */
export function afterMarker(text: string, marker: string): string {
  return text.slice(text.indexOf(marker) + marker.length).split("\n")[0]!;
}
