// Demo accounts of the built-in dev IdP (dev mode only; production refuses idp=dev). Each
// carries the IdP groups that policies/access.yaml maps to one Airlock role. The passwords
// live here and in the README on purpose: they protect nothing but a local demo.

export interface DemoUser {
  readonly login: string;
  readonly password: string;
  readonly subject: string;
  /** The `name` claim; a user without one shows how Airlock falls back to `preferred_username`. */
  readonly name?: string;
  readonly email: string;
  readonly groups: readonly string[];
}

export const demoUsers: readonly DemoUser[] = [
  { login: "agent", password: "agent-demo", subject: "demo-agent", name: "Alex Agent", email: "agent@airlock.test", groups: ["airlock-agents"] },
  { login: "robin", password: "robin-demo", subject: "demo-robin", email: "robin@airlock.test", groups: ["airlock-agents"] },
  { login: "viewer", password: "viewer-demo", subject: "demo-viewer", name: "Vera Viewer", email: "viewer@airlock.test", groups: ["airlock-agent-viewers"] },
  { login: "supervisor", password: "supervisor-demo", subject: "demo-supervisor", name: "Sam Supervisor", email: "supervisor@airlock.test", groups: ["airlock-supervisors"] },
  { login: "auditor", password: "auditor-demo", subject: "demo-auditor", name: "Ada Auditor", email: "auditor@airlock.test", groups: ["airlock-auditors"] },
  { login: "admin", password: "admin-demo", subject: "demo-admin", name: "Ari Admin", email: "admin@airlock.test", groups: ["airlock-admins"] },
];
