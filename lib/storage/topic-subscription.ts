/**
 * A consumer subscription (`topics` / `topics.regex`) resolved against the cluster's topics, as Java's consumer
 * keeps it: a topic that does not exist yet stays subscribed and is consumed once the metadata shows it, and a
 * pattern picks up new matches. Neither Kafka client we adapt does that (each fixes its subscription to existing
 * topics), so both adapters check the cluster's topics periodically with this one rule and schedule. SDK-free, so
 * the adapters (which never import each other) share it.
 */
import type { ConsumerSubscription } from './kafka-ports';

/**
 * How often the subscription is resolved against the cluster's topics while a named topic is missing or for a
 * `topics.regex`, unless `metadata.max.age.ms` is set. Java refreshes every metadata.max.age.ms (5 min); one
 * Metadata request every 5 s per task is cheap, and a new topic is then consumed within seconds.
 */
const TOPIC_REFRESH_MS_DEFAULT = 5000;
/** While named topics are missing the first checks come faster (a topic is often created right after the sink). */
const TOPIC_REFRESH_FIRST_MS = 250;

/** Topics the brokers mark internal; Java's `exclude.internal.topics=true` keeps patterns from matching them. */
const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

/** The subscription's topics among `all` (the cluster's): a pattern's matches sorted, named topics in their order. */
export function existingSubscribedTopics(all: readonly string[], subscription: ConsumerSubscription): string[] {
  const { pattern, topics } = subscription;
  if (pattern) return all.filter((t) => !INTERNAL_TOPICS.has(t) && pattern.test(t)).sort();
  const present = new Set(all);
  return (topics ?? []).filter((t) => present.has(t));
}

export interface TopicRefreshOptions {
  /** the consumer's current subscription (set by its subscribe()) */
  readonly subscription: () => ConsumerSubscription;
  /** `metadata.max.age.ms`, when set: the interval of the checks */
  readonly metadataMaxAgeMs?: number | undefined;
  /** whether a named topic is not consumed yet (checks stop once every named topic is) */
  readonly missingNamedTopics: () => boolean;
  /** one check: resolves the subscription and consumes what is new; a failure just waits for the next check */
  readonly check: () => Promise<void>;
  /** called when checks stop because every named topic is consumed (e.g. to close a metadata connection) */
  readonly onSettled?: () => void;
}

/** The periodic check of a subscription against the cluster's topics: for a pattern always, for named topics while one is missing. */
export class TopicRefresh {
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  /** a check in progress (stop() lets it finish, so it leaves no connection behind) */
  private checking: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: TopicRefreshOptions) {}

  /** Check the cluster's topics again later, if the subscription still needs it. */
  schedule(): void {
    if (this.stopped) return;
    const { metadataMaxAgeMs, missingNamedTopics, onSettled } = this.options;
    const subscription = this.options.subscription();
    if (!subscription.pattern && !missingNamedTopics()) {
      onSettled?.();
      return;
    }
    const every = metadataMaxAgeMs ?? TOPIC_REFRESH_MS_DEFAULT;
    const delay = subscription.pattern ? every : Math.min(TOPIC_REFRESH_FIRST_MS * 2 ** this.attempt++, every);
    this.timer = setTimeout(() => {
      this.checking = this.run();
    }, delay);
    // A pending check must not keep a finished process alive.
    this.timer.unref();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    try {
      await this.options.check();
    } catch {
      // The cluster did not answer this time (it may be restarting): check again at the next interval.
    }
    this.schedule();
  }

  /** No more checks; resolves once a check in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.checking;
  }
}
