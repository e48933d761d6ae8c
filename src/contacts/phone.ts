/**
 * Meta sends WhatsApp numbers with or without a leading + (`from` echoes whatever was used to
 * send). Parley keeps one form, E.164 with +, so the blind index matches either way.
 */
export function toE164(raw: string | undefined | null): string | undefined {
  if (raw === undefined || raw === null) return undefined
  const digits = raw.replace(/\D/g, '')
  if (digits.length < 6 || digits.length > 15) return undefined
  return `+${digits}`
}
