import { routeFor, type NotificationChannel, type NotificationDirectory } from '../domain/notification-directory';
import type { Notification } from '../domain/notifications';
import { DeliveryError, type Notifier } from './notifier';

/**
 * Hands each notification to the channel the county's notification directory chooses for its recipient
 * (domain/notification-directory.ts `routeFor`). Each channel keeps its own at-most-once rule by notification id,
 * and a route never changes for a given notification while the directory stays the same, so a retry goes where the
 * first try went. The e-mail channel takes its addresses from the same directory.
 */
export class RoutingNotifier implements Notifier {
  readonly name: string;

  constructor(
    private readonly directory: NotificationDirectory,
    private readonly channels: Partial<Record<NotificationChannel, Notifier>>,
  ) {
    this.name = `directory(${Object.keys(channels).join('+')}; default ${directory.default})`;
  }

  deliver(notification: Notification): Promise<{ delivered: boolean }> {
    const { channel } = routeFor(this.directory, notification.to);
    const notifier = this.channels[channel];
    // The configuration is checked at start (config/notification-directory.ts); this is a wiring mistake.
    if (!notifier) return Promise.reject(new DeliveryError(`no ${channel} channel is configured for ${notification.id}`, false));
    return notifier.deliver(notification);
  }
}

/** The addresses the directory gives a notification's recipient (none unless its route is e-mail). */
export function emailAddressesFor(directory: NotificationDirectory): (n: Notification) => readonly string[] {
  return (n) => {
    const route = routeFor(directory, n.to);
    return route.channel === 'email' ? route.to : [];
  };
}
