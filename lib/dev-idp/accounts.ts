/**
 * Demo accounts of the development identity provider. Passwords are
 * deliberately trivial and listed on the login page: this IdP exists only
 * for demos and tests and must never front real users.
 */
export type DemoAccount = {
  username: string;
  password: string;
  /** Stable OIDC subject identifier; the portal keys its users on it. */
  sub: string;
  email: string;
  name: string;
  /** Japanese display name, exposed as the custom `ja_name` claim. */
  jaName: string;
};

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  // Lab admin of the demo institution.
  {
    username: 'labadmin',
    password: 'labadmin',
    sub: 'demo-labadmin',
    email: 'labadmin@demo-univ.ac.jp',
    name: 'Hanako Yamada',
    jaName: '山田 花子',
  },
  // NII staff operator.
  {
    username: 'staff',
    password: 'staff',
    sub: 'demo-staff',
    email: 'staff@nii.ac.jp',
    name: 'Taro Suzuki',
    jaName: '鈴木 太郎',
  },
];
