import Link from 'next/link';
import { Studio } from './Studio';

export default function Home() {
  return (
    <main>
      <h1>Generate a video</h1>
      <Studio />
      <p>
        <Link href="/gallery">Gallery</Link>
      </p>
    </main>
  );
}
