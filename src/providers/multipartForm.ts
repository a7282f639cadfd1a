/**
 * A request body as a `multipart/form-data` form, serialised the way the official `openai` SDK (openai-node 7.59,
 * `src/resources/videos.ts`) sends `videos.create`: `this._client.post('/videos', multipartFormRequestOptions({ body,
 * ... }))`, whose `createForm` / `addFormValue` (`src/internal/uploads.ts`) turn a string, number or boolean into one
 * field with its `String()`; a `Blob` or `File` into a file part (with the `File`'s name, so the part keeps its file
 * name and type); an array into repeated `key[]` fields; an object into `key[name]` fields; `undefined` is left out.
 * The SDK refuses `null` ("Received null for ..."): so does this, through `refuse`, naming the field.
 */
export function toMultipartForm(body: Record<string, unknown>, refuse: (key: string, why: string) => Error): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(body)) append(form, key, value, refuse);
  return form;
}

function append(form: FormData, key: string, value: unknown, refuse: (key: string, why: string) => Error): void {
  if (value === undefined) return;
  if (value === null) throw refuse(key, 'is null, which a multipart form cannot carry; leave it out');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    form.append(key, String(value));
  } else if (value instanceof Blob) {
    const name = typeof (value as Partial<File>).name === 'string' ? (value as File).name : '';
    if (name) form.append(key, value, name);
    else form.append(key, value);
  } else if (Array.isArray(value)) {
    for (const entry of value) append(form, `${key}[]`, entry, refuse);
  } else if (typeof value === 'object') {
    for (const [name, entry] of Object.entries(value)) append(form, `${key}[${name}]`, entry, refuse);
  } else {
    throw refuse(key, `is a ${typeof value}, which a multipart form cannot carry`);
  }
}
