// RFC 9457 problem details: every error the API returns has this one shape.
import type { Context } from "hono";
import { z } from "zod";
import { AppError, errorCodes, type ErrorCode, type FieldError } from "../errors.ts";

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem" });

export function problemResponse(c: Context, code: ErrorCode, detail: string, errors?: FieldError[]) {
  const { status, title } = errorCodes[code];
  const body: z.infer<typeof problemSchema> = {
    type: `https://rivalwatch.dev/problems/${code.replaceAll("_", "-")}`,
    title,
    status,
    detail,
    instance: c.req.path,
    code,
    requestId: c.get("requestId" as never) as string | undefined,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
  return c.body(JSON.stringify(body), status, { "content-type": "application/problem+json" });
}

export const problemFromError = (c: Context, err: AppError) => problemResponse(c, err.code, err.message, err.errors);

/** OpenAPI response entries for the errors a route can answer with. */
export function problemResponses(...statuses: number[]) {
  const entries = statuses.map((s) => [
    s,
    {
      description: Object.values(errorCodes).find((e) => e.status === s)?.title ?? "Error",
      content: { "application/problem+json": { schema: problemSchema } },
    },
  ]);
  return Object.fromEntries(entries) as Record<number, { description: string; content: { "application/problem+json": { schema: typeof problemSchema } } }>;
}
