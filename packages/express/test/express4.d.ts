// `express4` is Express 4 installed under an npm alias; it has the same default export shape as Express 5
// for everything these tests use.
declare module 'express4' {
  import express from 'express'
  export default express
}
