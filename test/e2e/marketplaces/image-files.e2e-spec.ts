import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchImageFiles, IMAGE_FETCH_LIMITS } from '@ocop/marketplaces';

/**
 * The connector reads a product's photos by their URLs for Shopee and TikTok Shop, whose uploads
 * take the file. Real HTTP to a local server; what a seller may not point it at is refused.
 */
describe('catalogue photos read for upload', () => {
  let server: Server;
  let base: string;
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = request.url ?? '/';
      if (path === '/che.png') return void response.writeHead(200, { 'content-type': 'image/png' }).end(png);
      if (path === '/mislabelled.jpg') {
        return void response.writeHead(200, { 'content-type': 'image/jpeg' }).end('<html>login</html>');
      }
      if (path === '/huge.png') {
        return void response.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(2048, 1));
      }
      if (path === '/moved') return void response.writeHead(302, { location: '/che.png' }).end();
      if (path === '/busy') return void response.writeHead(503).end();
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const allowed = fetchImageFiles({ ...IMAGE_FETCH_LIMITS, allowPrivate: true, maxBytes: 1024 });
  const guarded = fetchImageFiles({ ...IMAGE_FETCH_LIMITS, allowPrivate: false });

  it('reads a photo, following a redirect, and takes its kind from the bytes', async () => {
    await expect(allowed(`${base}/che.png`)).resolves.toEqual({ bytes: png, contentType: 'image/png' });
    await expect(allowed(`${base}/moved`)).resolves.toMatchObject({ contentType: 'image/png' });
  });

  it('refuses for good what the seller must fix: gone, not an image, too large, not http', async () => {
    for (const path of ['/gone.png', '/mislabelled.jpg', '/huge.png']) {
      await expect(allowed(`${base}${path}`)).rejects.toMatchObject({
        kind: 'permanent',
        options: { code: 'image_unavailable' },
      });
    }
    await expect(allowed('file:///etc/passwd')).rejects.toMatchObject({ kind: 'permanent' });
    await expect(allowed('ftp://example.vn/che.png')).rejects.toMatchObject({ kind: 'permanent' });
  });

  it('tries again later a server that does not answer now', async () => {
    await expect(allowed(`${base}/busy`)).rejects.toMatchObject({ kind: 'retryable' });
  });

  it('reads nothing from loopback or a private network unless allowed, by address or by name', async () => {
    const port = (server.address() as AddressInfo).port;
    for (const url of [
      `${base}/che.png`,
      `http://localhost:${port}/che.png`,
      `http://[::1]:${port}/che.png`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/che.png',
    ]) {
      await expect(guarded(url)).rejects.toMatchObject({
        kind: 'permanent',
        message: expect.stringMatching(/private address/),
      });
    }
  });
});
