/** 138****1234: keep the first three and last four digits, hide the rest. Short numbers keep only the last two. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length > 4) return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
  return '****';
}
