/**
 * Mints the API's bearer tokens. The verifier must expect exactly this: HS256, issuer 'huiying',
 * subject = user id, and the custom claims below.
 */
import { SignJWT } from 'jose';

export const JWT_ISSUER = 'huiying';
export const JWT_ALG = 'HS256';

export interface TokenClaims {
  sub: string;
  name: string;
  roles: string[];
  /** Organisational unit code; handlers act for one unit. */
  unit?: string;
  /** Review levels (1-3) a reviewer may sign off. */
  levels?: number[];
}

/** `expiresIn`: a span ('8h') or the expiry in epoch seconds. */
export async function signToken(claims: TokenClaims, secret: string, expiresIn: string | number = '8h'): Promise<string> {
  const payload: Record<string, unknown> = { name: claims.name, roles: claims.roles };
  if (claims.unit !== undefined) payload.unit = claims.unit;
  if (claims.levels !== undefined) payload.levels = claims.levels;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: JWT_ALG, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(JWT_ISSUER)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
