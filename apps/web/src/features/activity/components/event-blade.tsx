import type { ActivityEvent } from "@portcullis/contract";
import { Blade, BladeBody } from "../../../components/blade.tsx";
import { formatTimestamp } from "../../../lib/format.ts";
import { actionLabels } from "../utils/action-labels.ts";
import { CorrelatedEvents } from "./correlated-events.tsx";
import { EventDetails } from "./event-details.tsx";

/** The whole event, and the events of the same request, in a blade. */
export function EventBlade({ event, onClose, onSelect }: { event: ActivityEvent | null; onClose: () => void; onSelect: (event: ActivityEvent) => void }) {
  return (
    <Blade
      open={event !== null}
      id="activity-event"
      title={event === null ? "Event" : actionLabels[event.action]}
      subtitle={event === null ? undefined : `${formatTimestamp(event.at)} · ${event.actor.name}${event.vmName ? ` · ${event.vmName}` : ""}`}
      onClose={onClose}
      width={680}
    >
      <BladeBody>
        {event === null ? null : (
          <>
            <EventDetails event={event} />
            <CorrelatedEvents event={event} onSelect={onSelect} />
          </>
        )}
      </BladeBody>
    </Blade>
  );
}
