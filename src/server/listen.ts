import type { Server } from 'node:http';

/** Starts listening, turning "address in use" into a message a person can act on. */
export function listen(server: Server, port: number, host: string, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new Error(
            `${what}: port ${port} on ${host} is already in use. Stop the other program or choose another port (--port N or the environment variable named in --help).`,
          ),
        );
      } else if (error.code === 'EACCES') {
        reject(new Error(`${what}: not allowed to listen on ${host}:${port}; choose a port above 1023.`));
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
