import { CreateRoomForm } from '@/components/home/CreateRoomForm'
import { Logo } from '@/components/Logo'

export default function HomePage() {
  return (
    <main className="home">
      <section>
        <div className="home__brand"><Logo /> Boxes &amp; Arrows</div>
        <h1 className="home__title">The whiteboard for system-design interviews</h1>
        <p className="home__lede">
          Interviewer and candidate sketch the architecture together, live, on one canvas. Every box and
          arrow is saved as it is drawn, so a reviewer can open the room afterwards and see exactly what was
          designed.
        </p>
        <ul className="home__points">
          <li><span className="home__point-icon">1</span><span><strong>Draw together, live</strong>See each other&apos;s cursors and shapes as they happen, and follow the other person&apos;s view.</span></li>
          <li><span className="home__point-icon">2</span><span><strong>A link per role</strong>Send the candidate link to the candidate and the reviewer link to whoever reviews the interview later.</span></li>
          <li><span className="home__point-icon">3</span><span><strong>Nothing lost</strong>Keep drawing through a dropped connection; your changes sync when it returns.</span></li>
        </ul>
      </section>
      <section className="card">
        <h2>Start an interview room</h2>
        <p className="card__sub">No account needed. The room is private to whoever has its links.</p>
        <CreateRoomForm />
      </section>
    </main>
  )
}
