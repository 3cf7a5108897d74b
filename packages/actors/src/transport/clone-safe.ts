import { unpackDone } from '../protocol/columnar.js';
import type { HostEvent } from '../protocol/messages.js';
import { HostErrorCode } from '../host/agent-host.js';

/**
 * Posts a batch, and if the structured clone fails (a handler returned a function, a socket, …) posts its
 * messages one by one instead, turning each result that cannot be cloned into a failure of that task. One
 * bad result must not take down the batch it travels in.
 */
export function postEvents(
  post: (messages: readonly HostEvent[]) => void,
  messages: readonly HostEvent[],
): void {
  try {
    post(messages);
    return;
  } catch {
    // fall through: find the culprit(s)
  }
  const singles = messages.flatMap((message) =>
    message.kind === 'done-batch' ? unpackDone(message) : [message],
  );
  for (const message of singles) {
    try {
      post([message]);
    } catch (error) {
      if (message.kind !== 'done') continue; // progress and load events carry only plain data
      post([
        {
          kind: 'failed',
          runId: message.runId,
          error: {
            name: 'FlotillaError',
            code: HostErrorCode.ResultNotCloneable,
            message: `the handler's result cannot be sent across threads (structured clone failed: ${
              error instanceof Error ? error.message : String(error)
            })`,
          },
        },
      ]);
    }
  }
}
