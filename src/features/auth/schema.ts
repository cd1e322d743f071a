import { Type } from 'typebox';

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const Me = Type.Object({
  kind: Type.String(),
  id: Type.Integer(),
  name: Type.String(),
  role: Type.String(),
  scope: Type.Object({ kind: Type.String(), regionId: Type.Optional(Type.Integer()), unitId: Type.Optional(Type.Integer()) }),
  staffId: Type.Union([Type.Integer(), Type.Null()]),
});
