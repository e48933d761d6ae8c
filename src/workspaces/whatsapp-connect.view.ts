import type { Connected } from './connect-whatsapp.js'

/** What Settings › WhatsApp says once a number is connected, and whether sending still waits. */
export function noticeOf(connected: Connected): string {
  const saved = `Connected to ${connected.number.displayPhoneNumber}.`
  // Resuming is left to the person: a token Meta accepts for reading may still be refused for
  // sending (an account restriction, 368), and queued messages may have gone stale meanwhile.
  if (!connected.sendingPaused) return saved
  return `${saved} Sending is still paused: press Resume sending when Meta accepts sends again.`
}
