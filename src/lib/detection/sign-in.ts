import { z } from 'zod';

const text = z.string().nullish();

/**
 * The parts of Graph's v1.0 `signIn` resource the scan reads. Lenient on the rest: Graph adds
 * properties, and a sign-in missing an optional field is still a failure to count.
 */
export const SignInSchema = z.object({
  id: z.string().min(1),
  createdDateTime: z.iso.datetime({ offset: true }),
  userId: z.string().min(1),
  userPrincipalName: text,
  correlationId: text,
  appDisplayName: text,
  clientAppUsed: text,
  ipAddress: text,
  location: z.object({ city: text, state: text, countryOrRegion: text }).partial().nullish(),
  status: z.object({
    errorCode: z.number().int(),
    failureReason: text,
    additionalDetails: text,
  }),
});

export type SignIn = z.infer<typeof SignInSchema>;
