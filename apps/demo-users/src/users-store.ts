export interface User {
  id: string;
  name: string;
  email: string;
  roles: string[];
  createdAt: string;
}

export type NewUser = Pick<User, "name" | "email" | "roles">;

export interface UserStore {
  list(): User[];
  get(id: string): User | undefined;
  create(input: NewUser): User;
  count(): number;
}

export const SEED_USERS: NewUser[] = [
  { name: "Alice Example", email: "alice@example.com", roles: ["admin"] },
  { name: "Bob Example", email: "bob@example.com", roles: ["user"] },
];

/** In-memory, per server instance; ids are "u1", "u2", ... in creation order. */
export function createMemoryUserStore(seed: NewUser[] = SEED_USERS, now: () => number = Date.now): UserStore {
  const users = new Map<string, User>();
  let nextId = 1;
  const store: UserStore = {
    list: () => [...users.values()],
    get: (id) => users.get(id),
    create(input) {
      const user: User = { id: `u${nextId++}`, ...input, createdAt: new Date(now()).toISOString() };
      users.set(user.id, user);
      return user;
    },
    count: () => users.size,
  };
  for (const user of seed) store.create(user);
  return store;
}
