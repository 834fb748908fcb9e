// Detection must recognise each framework's app object, and nothing else.
import { callApp } from '@gateway-interop/gateway/testing';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { toGatewayApp } from './detect.ts';

describe('toGatewayApp', () => {
  it('serves an Express app', async () => {
    const app = express().get('/', (_req, res) => void res.send('express'));
    expect((await callApp(toGatewayApp(app)!)).text).toBe('express');
  });

  it('serves a Fastify instance', async () => {
    const app = Fastify().get('/', async () => 'fastify');
    expect((await callApp(toGatewayApp(app)!)).text).toBe('fastify');
    await app.close();
  });

  it('serves a Hono app', async () => {
    const app = new Hono().get('/', (c) => c.text('hono'));
    expect((await callApp(toGatewayApp(app)!)).text).toBe('hono');
  });

  it('leaves anything else alone, plain functions included', () => {
    for (const value of [undefined, null, 42, 'app', {}, () => [], (_req: unknown, _res: unknown) => {}, { fetch: () => {} }]) {
      expect(toGatewayApp(value)).toBeUndefined();
    }
  });
});
