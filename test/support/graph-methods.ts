/**
 * Authentication methods as Graph lists them (`GET /users/{id}/authentication/methods`), with the
 * ids of Microsoft's documentation examples, which the demo tenant's seed uses too.
 */
export const PASSWORD_METHOD = {
  '@odata.type': '#microsoft.graph.passwordAuthenticationMethod',
  id: '28c10230-6103-485e-b985-444c60001490',
};
export const OATH_METHOD = {
  '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod',
  id: 'b172893e-893e-b172-3e89-72b13e8972b1',
};
export const EMAIL_METHOD = {
  '@odata.type': '#microsoft.graph.emailAuthenticationMethod',
  id: '3ddfcfc8-9383-446f-83cc-3ab9be4be18f',
};
