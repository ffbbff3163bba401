/** Schemas shared by every route: errors, ids, the row problems of uploads. One zod schema validates, types and documents each shape. */
import { z } from '@hono/zod-openapi';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not_found' }),
      message: z.string().openapi({ example: 'run 20261204-101500-3fa9 was not found' }),
      hint: z.string().optional().openapi({ example: 'Check the id; ids are only visible to the tenant that made them.' }),
      field: z.string().optional().openapi({ description: 'The request field at fault, as a path (body.presets.0).' }),
    }),
  })
  .openapi('Error');

export const RowProblem = z
  .object({
    file: z.string().openapi({ example: 'products.csv' }),
    row: z.number().int().optional().openapi({ description: 'From 1 at the first data row.' }),
    column: z.string().optional().openapi({ example: 'sales_count' }),
    message: z.string(),
  })
  .openapi('RowProblem');

export const CostTotals = z
  .object({ calls: z.number().int(), cost: z.number(), callsWithoutCost: z.number().int(), promptTokens: z.number().int(), completionTokens: z.number().int(), images: z.number().int() })
  .openapi('CostTotals');

const errorResponse = (description: string) => ({ content: { 'application/json': { schema: ErrorBody } }, description });

/** The error answers every authenticated route can give, for the OpenAPI document. */
export const COMMON_ERRORS = {
  400: errorResponse('The request is malformed or a value is refused; `field` names it.'),
  401: errorResponse('No valid API key (Authorization: Bearer <key>).'),
  404: errorResponse('Not found for this tenant (ids of other tenants are never revealed).'),
  429: errorResponse('Too many requests for this key; wait Retry-After seconds.'),
} as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

export const RunIdParam = z.object({ runId: z.string().openapi({ param: { name: 'runId', in: 'path' }, example: '20261204-101500-3fa9' }) });
export const ProductIdParam = z.object({ productId: z.string().openapi({ param: { name: 'productId', in: 'path' }, example: 'H1001' }) });
